// Clicking a paragraph number copies its address, like a heading's permalink but for citing.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.paranum");
  if (!link || !navigator.clipboard) return;
  const address = new URL(link.getAttribute("href"), window.location.href).href;
  navigator.clipboard.writeText(address).then(() => {
    link.classList.add("copied");
    setTimeout(() => link.classList.remove("copied"), 1500);
  }, () => {});
});
