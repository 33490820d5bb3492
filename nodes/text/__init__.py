"""String operations and templates."""
