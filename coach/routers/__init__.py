"""One router per resource: intakes webhook, coach pages, widget files, health."""
