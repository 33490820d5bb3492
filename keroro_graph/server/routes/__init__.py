"""One module per resource; each exports ``routes = web.RouteTableDef()``."""
