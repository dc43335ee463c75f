// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// Formsets: "Add a row" clones the empty form and bumps TOTAL_FORMS.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-form]");
  if (!button) return;
  const prefix = button.dataset.addForm;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.getElementById(`${prefix}-empty`);
  const index = Number(total.value);
  const html = template.innerHTML.replaceAll("__prefix__", String(index));
  document.querySelector(`.cf-formset[data-prefix="${prefix}"]`).insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
});

// A device identifier for the risk engine (the same device behind several bidders
// is a collusion signal, 87号令 第37条): random, kept in this browser only.
document.addEventListener("DOMContentLoaded", () => {
  const field = document.querySelector("input[name=device_id]");
  if (!field) return;
  let id = localStorage.getItem("cf-device-id");
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem("cf-device-id", id);
  }
  field.value = id;
});
