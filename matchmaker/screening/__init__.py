"""非法社会组织 screening: list import (admins) and the review queue (coordinators)."""
