"""ComfyUI's ``comfy_extras`` package: empty here (its nodes need ComfyUI's model
stack); a pack importing one of its modules fails naming it."""
