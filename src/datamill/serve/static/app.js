// datamill serve: optional enhancements only; every page works without this file (SV-APP-1).
// Data is read from data-* attributes and JSON, and written with textContent (SV-SEC-8).
"use strict";

(function () {
  // -- suggested facets (SV-FAC-6): fill div.suggested-facets[data-src] ---------------------
  function facetLink(className, name) {
    var url = new URL(window.location.href);
    url.searchParams.delete("_next");
    url.searchParams.delete("_suggest");
    url.searchParams.append("_facet", name);
    var a = document.createElement("a");
    a.className = className;
    a.href = url.pathname + url.search;
    a.textContent = name;
    return a;
  }

  function addGroup(box, label, className, names) {
    if (!names.length) {
      return;
    }
    var span = document.createElement("span");
    span.textContent = label;
    box.appendChild(span);
    names.forEach(function (name) {
      box.appendChild(document.createTextNode(" "));
      box.appendChild(facetLink(className, name));
    });
    box.appendChild(document.createTextNode(" "));
  }

  function loadSuggestions(box) {
    var src = box.getAttribute("data-src");
    fetch(src, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var list = data.suggested_facets || [];
        var good = list.filter(function (s) { return !s.timed_out; }).map(function (s) { return s.name; });
        var late = list.filter(function (s) { return s.timed_out; }).map(function (s) { return s.name; });
        box.textContent = "";
        box.removeAttribute("data-src");
        addGroup(box, "Suggested facets:", "suggested-facet", good);
        addGroup(box, "Not checked (time limit):", "suggested-timed-out", late);
        if (!good.length && !late.length) {
          box.textContent = "No facet suggestions for these rows.";
        }
      })
      .catch(function () {
        // Keep the a.suggest-facets link: it renders the suggestions on the server.
      });
  }

  // -- the SQL form (SV-PAGE-4): Ctrl+Enter runs, :param fields follow the text --------------
  var NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

  function parameterNames(sql) {
    var names = [];
    var i = 0;
    while (i < sql.length) {
      var c = sql[i];
      var two = sql.substr(i, 2);
      var end;
      if (two === "--") {
        end = sql.indexOf("\n", i);
        i = end < 0 ? sql.length : end + 1;
      } else if (two === "/*") {
        end = sql.indexOf("*/", i + 2);
        i = end < 0 ? sql.length : end + 2;
      } else if (c === "'" || c === '"' || c === "`" || c === "[") {
        var close = c === "[" ? "]" : c;
        end = sql.indexOf(close, i + 1);
        i = end < 0 ? sql.length : end + 1;
      } else if (c === ":" && sql[i - 1] !== ":") {
        NAME.lastIndex = i + 1;
        var match = NAME.exec(sql);
        if (match) {
          if (names.indexOf(match[0]) < 0) {
            names.push(match[0]);
          }
          i += 1 + match[0].length;
        } else {
          i += 1;
        }
      } else {
        i += 1;
      }
    }
    return names.filter(function (n) { return n !== "sql" && n.charAt(0) !== "_"; });
  }

  function syncParameters(form, textarea) {
    var box = form.querySelector(".sql-params");
    if (!box) {
      return;
    }
    var wanted = parameterNames(textarea.value);
    var existing = {};
    Array.prototype.forEach.call(box.querySelectorAll("input.sql-param"), function (input) {
      existing[input.name] = input.closest("label") || input;
    });
    Object.keys(existing).forEach(function (name) {
      if (wanted.indexOf(name) < 0) {
        existing[name].remove();
      }
    });
    wanted.forEach(function (name) {
      var label = existing[name];
      if (!label) {
        label = document.createElement("label");
        label.appendChild(document.createTextNode(name + " "));
        var input = document.createElement("input");
        input.className = "sql-param";
        input.name = name;
        label.appendChild(input);
      }
      box.appendChild(label); // keeps the fields in the order of the text
    });
  }

  function enhanceSqlForm(form) {
    var textarea = form.querySelector("textarea[name=sql]");
    if (!textarea) {
      return;
    }
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
        }
      }
    });
    var timer = null;
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { syncParameters(form, textarea); }, 150);
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("div.suggested-facets[data-src]"), loadSuggestions);
    Array.prototype.forEach.call(document.querySelectorAll("form#sql-form"), enhanceSqlForm);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
