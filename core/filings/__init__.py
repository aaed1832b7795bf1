"""Remote-treatment filing (异地就医备案, DOMAIN.md section 6, RF-1..6): values, destinations, terms."""
