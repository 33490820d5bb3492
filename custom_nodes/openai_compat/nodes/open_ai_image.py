"""OpenAIImage: images from a prompt through an OpenAI-compatible relay's
``/images/generations`` (OhMyGPT, CherryIN, or a custom endpoint). Results are taken
whether the relay answers with URLs (fetched at once, without credentials) or base64,
and come back as one IMAGE batch."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Combo, IMAGE, Int, NodeContext, Output, Price, Text, node, provider_media

from ..client import ENDPOINTS, client_for, resolve_model
from ..inputs import IMAGE_SIZES, check_prompt, image_options
from ..models import DEFAULT_MODELS

_MODEL_HINT = "; ".join(f"{name}: {kinds['image'][0]}" for name, kinds in DEFAULT_MODELS.items() if kinds.get("image"))


@node("OpenAIImage", category="provider/openai_compat", display_name="OpenAI-compatible Image",
      provider={"input": "endpoint", "clients": ENDPOINTS}, limit="openai_compat",
      price=Price("openai_compat.{endpoint}", key=("model",), times=("n",)))
async def open_ai_image(
    ctx: NodeContext,
    endpoint: Annotated[str, Combo(options=list(ENDPOINTS), default="ohmygpt",
                                   tooltip="Which relay to call; 'custom' is the OpenAI-compatible endpoint "
                                           "set up as provider 'openai_custom' in Settings → Providers.")],
    model: Annotated[str, Text(default="", placeholder="empty = the endpoint's default",
                               tooltip=f"The image model id, sent as written. Empty picks the endpoint's "
                                       f"default ({_MODEL_HINT}).")],
    prompt: Annotated[str, Text(multiline=True, default="", tooltip="The picture to make.")],
    size: Annotated[str, Combo(options=list(IMAGE_SIZES), default="1024x1024",
                               tooltip="Width x height; dall-e-3 and gpt-image-1 take only some sizes.")],
    n: Annotated[int, Int(default=1, min=1, max=10, tooltip="How many images (dall-e-3: 1).")],
    response_format: Annotated[str, Combo(options=["url", "b64_json"], default="url",
                                          tooltip="How the relay should return images; either answer is "
                                                  "handled (gpt-image models always send base64).")],
) -> Annotated[IMAGE, Output(name="images")]:
    """Generate images from a prompt through an OpenAI-compatible relay."""
    prompt = check_prompt("prompt", prompt, required=True)
    model_id = resolve_model(endpoint, "image", model)
    options = image_options(model_id, size=size, n=n, response_format=response_format)
    client = client_for(ctx, endpoint)
    ctx.text(f"Generating {n} image{'s' if n > 1 else ''} with {model_id}…")
    blobs = await client.images(model_id, prompt, **options)
    ctx.text(f"{len(blobs)} image{'s' if len(blobs) > 1 else ''} from {model_id}")
    return provider_media.images_to_batch(blobs)
