"""Riders keep the map true: confirmations, problem reports and suggestions, routed to the union whose jurisdiction holds them."""
