// Enhancements only: every flow works without this file (plain forms, POST → redirect → GET).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Copy buttons copy their target's data-copy value (the TOTP secret without spaces).
  for (const button of document.querySelectorAll("[data-copy-target]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const target = document.getElementById(button.dataset.copyTarget);
      if (!target) return;
      const status = document.getElementById(button.dataset.copyStatus || "");
      try {
        await navigator.clipboard.writeText(target.dataset.copy || target.textContent.trim());
        if (status) status.textContent = "Copied.";
      } catch {
        if (status) status.textContent = "Copy did not work here; select the text and copy it.";
      }
    });
  }
  // File inputs with a size limit say so as soon as a file is chosen, instead of after the
  // upload (the server checks again either way).
  for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
    input.addEventListener("change", () => {
      const max = Number(input.dataset.maxBytes);
      const file = input.files && input.files[0];
      const tooBig = file && file.size > max;
      input.setCustomValidity(tooBig ? `This file is larger than ${Math.floor(max / 1048576)} MiB; choose a smaller one.` : "");
      if (tooBig) input.reportValidity();
    });
  }
  // Put the cursor in the first field that has an error, so keyboard and screen-reader
  // users land where the fix is needed.
  const invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) invalid.focus();
});
