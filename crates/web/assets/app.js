// Enhancements only: every flow works without this file (plain forms, POST → redirect → GET).
"use strict";
// The page's own sentences, in its language: the layout puts them on <body data-msg-…>.
function message(name, fallback) {
  return (document.body && document.body.dataset[name]) || fallback;
}
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
        if (status) status.textContent = message("msgCopied", "Copied.");
      } catch {
        if (status) status.textContent = message("msgCopyFailed", "Copy did not work here; select the text and copy it.");
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
      const tooBigText = message("msgFileTooBig", "This file is larger than {mib} MiB; choose a smaller one.");
      input.setCustomValidity(tooBig ? tooBigText.replace("{mib}", String(Math.floor(max / 1048576))) : "");
      if (tooBig) input.reportValidity();
    });
  }
  // Put the cursor in the first field that has an error, so keyboard and screen-reader
  // users land where the fix is needed.
  const invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) invalid.focus();
});
// Passkeys: the browser half of WebAuthn for the portal's pages. Each form marked
// data-passkey="register|verify|login" is taken over when the browser has WebAuthn: the form's
// submit asks the JSON API for options, hands them to navigator.credentials, sends the answer
// back and follows the page the answer names. Without JavaScript (or WebAuthn) the forms stay
// hidden and the page's <noscript> text says that passkeys need JavaScript.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  const dec = s => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0));
  const enc = b => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

  function creationOptions(answer) {
    const pk = structuredClone(answer.publicKey);
    pk.challenge = dec(pk.challenge);
    pk.user.id = dec(pk.user.id);
    for (const c of pk.excludeCredentials || []) c.id = dec(c.id);
    return { publicKey: pk };
  }

  function requestOptions(answer) {
    const pk = structuredClone(answer.publicKey);
    pk.challenge = dec(pk.challenge);
    for (const c of pk.allowCredentials || []) c.id = dec(c.id);
    return { publicKey: pk };
  }

  function credentialJSON(cred) {
    const r = cred.response;
    const response = { clientDataJSON: enc(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = enc(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = enc(r.authenticatorData);
      response.signature = enc(r.signature);
      if (r.userHandle) response.userHandle = enc(r.userHandle);
    }
    return { id: cred.id, rawId: enc(cred.rawId), type: cred.type, response, extensions: cred.getClientExtensionResults() };
  }

  async function post(url, body) {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((json.error && json.error.message) || message('msgPasskeyFailed', 'The passkey could not be used.'));
    return json;
  }

  const flows = {
    async register(form) {
      const name = form.querySelector('[name=name]').value;
      const options = await post('/api/v1/mfa/passkey/register/start', { name });
      const cred = await navigator.credentials.create(creationOptions(options));
      await post('/api/v1/mfa/passkey/register/finish', { credential: credentialJSON(cred) });
    },
    async verify(form) {
      const remember = form.querySelector('[name=remember_device]');
      const options = await post('/api/v1/mfa/passkey/verify/start', {});
      const cred = await navigator.credentials.get(requestOptions(options));
      const body = { credential: credentialJSON(cred) };
      if (remember && remember.checked) body.remember_device = true;
      await post('/api/v1/mfa/passkey/verify/finish', body);
    },
    async login() {
      const options = await post('/api/v1/login/passkey/start', {});
      const cred = await navigator.credentials.get(requestOptions(options));
      await post('/api/v1/login/passkey/finish', { credential: credentialJSON(cred) });
    },
  };

  for (const form of document.querySelectorAll('form[data-passkey]')) {
    const flow = flows[form.dataset.passkey];
    if (!flow) continue;
    form.hidden = false;
    const status = form.querySelector('[data-passkey-status]');
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const button = form.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      if (status) status.textContent = '';
      try {
        await flow(form);
        window.location.assign(form.dataset.next || '/');
      } catch (e) {
        if (status) {
          status.textContent = e && e.name === 'NotAllowedError'
            ? message('msgPasskeyCancelled', 'The passkey was not used (cancelled or timed out). Try again, or choose another way.')
            : (e && e.message) || message('msgPasskeyFailed', 'The passkey could not be used.');
        }
        if (button) button.disabled = false;
      }
    });
  }
  for (const note of document.querySelectorAll('[data-passkey-needs-js]')) note.hidden = true;
})();
