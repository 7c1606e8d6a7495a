"""One module per router; each exports `router`."""
