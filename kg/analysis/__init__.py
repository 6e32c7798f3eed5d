"""What the graph says across papers: leaderboards of results (``kg leaderboard``) and the
entities rising over time (``kg trends``). Reads a built graph; writes nothing back to it."""
