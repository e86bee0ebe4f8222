"""Test-wide set-up: this folder is on the import path (pytest puts a root conftest's
folder there), so every test package can use the helpers beside it (arm_objects)."""
