// darkroom workspace: small progressive enhancements; every page works without JavaScript.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A reveal is a deliberate act: the button says so once more before the form is sent.
  const reveal = document.getElementById("reveal-form");
  if (reveal) {
    reveal.addEventListener("submit", () => {
      const button = document.getElementById("reveal");
      if (button) { button.disabled = true; button.textContent = "Revealing (recorded)…"; }
    });
  }
});
