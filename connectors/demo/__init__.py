"""The demo configuration for Sumatera Selatan (sumsel.toml) ships as package data."""
