"""What the coach pages show, built from the stored rows: plain functions the page routers call."""
