"""Reference data: the shipped regions, sectors and pairings (``seed``), the one region index
(``regions``) and admins' corrections (``corrections``)."""
