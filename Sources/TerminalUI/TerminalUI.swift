import CNcurses
// The ncurses backend: copies Canvases to the terminal (see the dashboard issue).
