// html-validate's settings for the HTML deliverables, used by tests/test_a11y.py on every
// rendered example page and the index. (A .mjs file rather than .htmlvalidate.json, so that
// each disabled rule can say why: the JSON form allows no comments and no extra keys.)
// "document" adds the whole-page rules (heading-level, missing-doctype, no-missing-references).
export default {
  extends: ["html-validate:recommended", "html-validate:document", "html-validate:a11y"],
  rules: {
    // The deliverable is one self-contained file that fetches nothing: bar widths, funnel
    // shares and emotion colours are per-map values, written as inline styles.
    "no-inline-style": "off",
    // The page title is the client's map title plus "Customer journey map"; cutting it to
    // 70 characters for search results would lose the title, and the file is not a web page.
    "long-title": "off",
  },
};
