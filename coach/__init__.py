"""Coach service: receives signed intakes from the assistant and shows them to coaches, in Dutch."""
