/** English UI strings (the key set; zh.ts must have the same keys). */
export const en = {
  "hint.firstVisit": "Double-click the canvas (or press /) to add a node · drag from a socket to connect · Ctrl+Enter runs",
  "common.dismiss": "Dismiss",
  "tab.untitled": "Untitled",
  "tab.closeUnsaved": "“{name}” has unsaved changes. Close it and lose them?",
  "tab.otherEditing": "“{name}” is being edited in another window: saving here would overwrite its changes",
  "tab.otherOpen": "Also open in another window",
  "save.prompt": "Save workflow as",
  "save.overwrite": "A workflow named “{name}” already exists. Overwrite it?",
  "save.changedOnServer": "“{name}” was changed on the server after you opened it (another window?). Overwrite those changes?",
  "save.otherEditing": "“{name}” has unsaved edits in another window. Save here anyway?",
  "save.done": "Saved “{name}”",
  "save.failed": "Could not save: {error}",
  "restore.fromServer": "Restored {count} tab(s) from the server's autosave",
} as const;

export type MessageKey = keyof typeof en;
