"""Analyses on the loaded data: joining tables to units, checking facility datums,
classifying values into map classes, and colour facts for accessible palettes."""
