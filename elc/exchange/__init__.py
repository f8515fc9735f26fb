"""Exchange with other tools: REFI-QDA projects and codebooks (:mod:`elc.exchange.refi`)."""
