"""soreadvisor: leg soreness after a foot massage, explained honestly."""

__version__ = "0.1.0"
