"""Pure numpy simulation toolkit shared by every domain. Imports nothing from Django."""
