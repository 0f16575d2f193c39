"""Custom actions of the Onthaal assistant, one module per feature."""
