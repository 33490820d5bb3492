/** Socket colours by type (ComfyUI's palette where it has one; a stable hash otherwise). */
const KNOWN: Record<string, string> = {
  IMAGE: "#64b5f6",
  MASK: "#81c784",
  LATENT: "#ff9cf9",
  INT: "#29d6c2",
  FLOAT: "#aed581",
  STRING: "#f0c674",
  BOOLEAN: "#e57373",
  COMBO: "#b39ddb",
  VIDEO: "#ffb74d",
  AUDIO: "#4dd0e1",
  "*": "#9e9e9e",
};

export function typeColor(type: string): string {
  const first = type.split(",")[0].trim();
  if (KNOWN[first]) return KNOWN[first];
  let h = 0;
  for (let i = 0; i < first.length; i++) h = (h * 31 + first.charCodeAt(i)) >>> 0;
  return `hsl(${h % 360} 60% 62%)`;
}
