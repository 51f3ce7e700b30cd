"""What the needs and offers blueprints share: one blueprint factory (``views``) and the
common form fields (``forms``)."""
