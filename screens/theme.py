"""The high-contrast theme for staff with low vision, and for the blind reading room.

Black background, white text, yellow for everything that has the focus or
can be acted on: nothing is told apart by a shade of grey or by colour alone
(the focused row is also bold and reversed).
"""

from __future__ import annotations

from textual.theme import Theme

NORMAL_THEME = "textual-dark"
HIGH_CONTRAST_THEME = "ils-high-contrast"

BLACK = "#000000"
WHITE = "#FFFFFF"
YELLOW = "#FFFF00"

HIGH_CONTRAST = Theme(
    name=HIGH_CONTRAST_THEME,
    primary=YELLOW,
    secondary="#00FFFF",
    accent=YELLOW,
    warning=YELLOW,
    error="#FF6060",
    success="#00FF00",
    foreground=WHITE,
    background=BLACK,
    surface=BLACK,
    panel=BLACK,
    boost=BLACK,
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "text": WHITE,
        "text-muted": WHITE,
        "text-accent": YELLOW,
        "text-primary": YELLOW,
        "text-error": "#FF6060",
        "text-success": "#00FF00",
        "border": YELLOW,
        "border-blurred": WHITE,
        "block-cursor-background": YELLOW,
        "block-cursor-foreground": BLACK,
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": WHITE,
        "block-cursor-blurred-foreground": BLACK,
        "block-hover-background": "#333333",
        "input-cursor-background": YELLOW,
        "input-cursor-foreground": BLACK,
        "input-selection-background": YELLOW,
        "input-selection-foreground": BLACK,
        "footer-background": BLACK,
        "footer-foreground": WHITE,
        "footer-key-foreground": BLACK,
        "footer-key-background": YELLOW,
        "footer-description-foreground": WHITE,
        "button-foreground": WHITE,
        "button-focus-text-style": "bold reverse",
        "scrollbar": WHITE,
        "scrollbar-background": BLACK,
    },
)
