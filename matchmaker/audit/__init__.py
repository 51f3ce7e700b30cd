"""The audit log page (coordinators and admins): search and export, never edit."""
