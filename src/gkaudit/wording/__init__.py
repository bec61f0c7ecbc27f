"""Wording: severe expression errors and common typos, matched on visible text against curated,
versioned lists shipped in `data/` (no language model: an open corrector "corrects" the 公网安备
footer every site carries, pycorrector#104)."""
