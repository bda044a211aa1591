// Vite's client types: they let the renderer import stylesheets and read import.meta.env.
/// <reference types="vite/client" />
