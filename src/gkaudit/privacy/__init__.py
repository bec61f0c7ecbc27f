"""Personal data in published text: finding unmasked ID, mobile and bank card numbers
(`detect`) and masking them the way inspectors do (`mask`), including in gkaudit's own output."""
