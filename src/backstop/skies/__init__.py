"""Safe skies: defended assets, threat waves, siting (MCLP), weapon-target assignment, Monte Carlo,
campaign depletion and the batteries required.  Threats are statistical inputs only."""
