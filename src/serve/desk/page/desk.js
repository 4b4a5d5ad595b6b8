// The 工作台 of bulletin serve: import (upload → plan → edits → confirm), check and publish.
// Plain JavaScript, no libraries. Every write sends this run's token from the page's <meta>;
// the server also checks that the request comes from this page's own origin.
(function () {
  "use strict";
  function meta(name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : "";
  }
  var TOKEN = meta("bulletin-token");
  var WRITES = meta("bulletin-writes") === "on";
  var BASE = meta("bulletin-base") || "/";
  var API = "api/";
  var state = { counties: null, topics: null, staged: [] };

  // Elements from plain data: text always goes through textContent, never innerHTML.
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) { return; }
        if (k === "text") { e.textContent = v; }
        else if (k === "className") { e.className = v; }
        else if (k.slice(0, 2) === "on") { e.addEventListener(k.slice(2), v); }
        else { e.setAttribute(k, v === true ? "" : v); }
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  function say(text, kind) {
    var s = document.getElementById("status");
    s.textContent = "";
    s.className = "status" + (kind ? " " + kind : "");
    // A fresh node, so screen readers announce a repeated message too.
    s.appendChild(el("p", { text: text }));
  }

  // A request to the API; resolves to {status, body} (body parsed JSON), never rejects.
  function call(method, path, body, headers) {
    var h = { "X-Bulletin-Token": TOKEN };
    if (headers) { Object.keys(headers).forEach(function (k) { h[k] = headers[k]; }); }
    var init = { method: method, headers: h, credentials: "same-origin" };
    if (body !== undefined) {
      if (body instanceof Blob) { init.body = body; }
      else { init.body = JSON.stringify(body); h["Content-Type"] = "application/json"; }
    }
    return fetch(API + path, init).then(function (r) {
      return r.text().then(function (t) {
        var parsed = null;
        try { parsed = t ? JSON.parse(t) : null; } catch (e) { parsed = { error: "服务器的回答无法读取（" + r.status + "）" }; }
        return { status: r.status, body: parsed || {} };
      });
    }, function () {
      return { status: 0, body: { error: "连接不上工作台：bulletin 可能已经关闭。请重新启动它后刷新页面。" } };
    });
  }

  // ---- panels ----
  var PANELS = ["import", "check", "publish"];
  function showPanel() {
    var want = (location.hash || "#import").slice(1);
    if (PANELS.indexOf(want) < 0) { want = "import"; }
    PANELS.forEach(function (p) {
      document.getElementById(p).hidden = p !== want;
      var tab = document.getElementById("tab-" + p);
      if (p === want) { tab.setAttribute("aria-current", "page"); } else { tab.removeAttribute("aria-current"); }
    });
    if (want === "check" && checkStale) { runCheck(); }
  }
  window.addEventListener("hashchange", showPanel);

  // ---- messages (warnings and problems) ----
  // A message's `names` (fields, files, values as written in them) as code, without the backticks.
  function withCode(text) {
    var parts = String(text).split("`");
    if (parts.length % 2 === 0) { return [String(text)]; }   // a lone backtick: the text as it is
    return parts.map(function (part, i) {
      return i % 2 ? el("code", { text: part }) : part;
    }).filter(function (part) { return part !== ""; });
  }
  function messageItem(d, sameFile) {
    var where = [];
    if (d.file && d.file !== sameFile) { where.push(d.file); }
    if (d.line) { where.push("第 " + d.line + " 行"); }
    var li = el("li", { className: d.severity }, [
      el("span", { className: "sev", text: d.severity === "error" ? "错误" : "警告" }),
      " ",
      where.length ? el("span", { className: "where", text: where.join("，") + "：" }) : null,
      el("span", null, withCode(d.message))
    ]);
    if (d.line_text) { li.appendChild(el("q", { className: "line", text: d.line_text.trim() })); }
    if (d.help) { li.appendChild(el("div", { className: "help" }, withCode("建议：" + d.help))); }
    return li;
  }
  function messageList(items, label, sameFile) {
    if (!items || !items.length) { return null; }
    return el("ul", { className: "msgs", "aria-label": label }, items.map(function (d) { return messageItem(d, sameFile); }));
  }

  // ---- import ----
  function fileUrl(id, name) { return API + "staged/" + encodeURIComponent(id) + "/file/" + encodeURIComponent(name); }

  function thumbs(id, names, label) {
    if (!names || !names.length) { return null; }
    return el("ul", { className: "thumbs", "aria-label": label }, names.map(function (n) {
      return el("li", null, [el("figure", null, [
        el("img", { src: fileUrl(id, n), alt: "照片 " + n, width: "120", height: "90" }),
        el("figcaption", { text: n })
      ])]);
    }));
  }

  function countyControl(a, id) {
    var cid = id + "-county";
    var label = el("label", { "for": cid, text: "县区" });
    var control;
    if (state.counties) {
      var names = state.counties.slice();
      if (names.indexOf(a.county) < 0) { names.unshift(a.county); }
      control = el("select", { id: cid, "data-k": "county" }, names.map(function (n) {
        var known = state.counties.indexOf(n) >= 0;
        return el("option", { value: n, selected: n === a.county, text: known ? n : n + "（不在词表中）" });
      }));
    } else {
      control = el("input", { id: cid, "data-k": "county", type: "text", value: a.county });
    }
    return el("div", { className: "field" }, [label, control]);
  }

  function topicsControl(a, id) {
    if (!state.topics) {
      var tid = id + "-topics";
      return el("div", { className: "field" }, [
        el("label", { "for": tid, text: "专题（用顿号“、”分隔）" }),
        el("input", { id: tid, "data-k": "topics-text", type: "text", value: a.topics.join("、") })
      ]);
    }
    var names = state.topics.slice();
    a.topics.forEach(function (t) { if (names.indexOf(t) < 0) { names.push(t); } });
    return el("fieldset", { className: "topics" }, [el("legend", { text: "专题" })].concat(names.map(function (n, i) {
      var cb = id + "-topic-" + i;
      var known = state.topics.indexOf(n) >= 0;
      return el("span", { className: "check" }, [
        el("input", { type: "checkbox", id: cb, "data-k": "topic", value: n, checked: a.topics.indexOf(n) >= 0 }),
        el("label", { "for": cb, text: known ? n : n + "（不在词表中）" })
      ]);
    })));
  }

  function articleBlock(plan, a, i) {
    var id = "p" + plan.id + "-a" + i;
    var tid = id + "-title", uid = id + "-unit";
    var box = el("fieldset", { className: "article", "data-file": a.file }, [
      el("legend", { text: "第 " + (i + 1) + " 篇（" + a.file + "）" }),
      el("div", { className: "field wide" }, [el("label", { "for": tid, text: "标题" }),
        el("input", { id: tid, "data-k": "title", type: "text", value: a.title })]),
      el("div", { className: "row" }, [
        countyControl(a, id),
        el("div", { className: "field" }, [el("label", { "for": uid, text: "单位" }),
          el("input", { id: uid, "data-k": "unit", type: "text", value: a.unit })])
      ]),
      topicsControl(a, id),
      thumbs(plan.id, a.photos, "第 " + (i + 1) + " 篇的照片"),
      el("div", { className: "article-msgs" }, [messageList((a.warnings || []).concat(a.problems || []), "第 " + (i + 1) + " 篇的提示")])
    ]);
    return box;
  }

  function collectEdits(card) {
    var edits = {
      date: card.querySelector('[data-k="date"]').value,
      title: card.querySelector('[data-k="issue-title"]').value,
      articles: []
    };
    card.querySelectorAll("fieldset.article").forEach(function (f) {
      var topics = [];
      var text = f.querySelector('[data-k="topics-text"]');
      if (text) { topics = text.value.split(/[、,，;；\s]+/).filter(Boolean); }
      f.querySelectorAll('[data-k="topic"]').forEach(function (c) { if (c.checked) { topics.push(c.value); } });
      edits.articles.push({
        file: f.getAttribute("data-file"),
        title: f.querySelector('[data-k="title"]').value,
        county: f.querySelector('[data-k="county"]').value,
        unit: f.querySelector('[data-k="unit"]').value,
        topics: topics
      });
    });
    return edits;
  }

  // After an edit, only the messages and the confirm button change (the fields keep focus).
  function refreshMessages(card, plan) {
    var issue = card.querySelector(".issue-msgs");
    issue.textContent = "";
    var list = messageList((plan.warnings || []).concat(plan.problems || []), "本期的提示");
    if (list) { issue.appendChild(list); }
    var blocks = card.querySelectorAll("fieldset.article");
    plan.articles.forEach(function (a, i) {
      var box = blocks[i] && blocks[i].querySelector(".article-msgs");
      if (!box) { return; }
      box.textContent = "";
      var l = messageList((a.warnings || []).concat(a.problems || []), "第 " + (i + 1) + " 篇的提示");
      if (l) { box.appendChild(l); }
    });
    var errors = (plan.problems || []).concat.apply([], plan.articles.map(function (a) { return a.problems || []; }))
      .filter(function (d) { return d.severity === "error"; }).length;
    var ok = card.querySelector(".ok-state");
    ok.textContent = errors ? "还有 " + errors + " 个错误：改正后才能确认导入。" : "检查通过，可以确认导入。";
    ok.className = "ok-state " + (errors ? "bad" : "good");
    card.querySelector("button.confirm").disabled = !WRITES || errors > 0;
  }

  var editTimers = {};
  function scheduleEdit(card, plan) {
    clearTimeout(editTimers[plan.id]);
    editTimers[plan.id] = setTimeout(function () { sendEdit(card, plan); }, 250);
  }
  function sendEdit(card, plan) {
    card.setAttribute("aria-busy", "true");
    var p = call("POST", "staged/" + encodeURIComponent(plan.id) + "/edit", collectEdits(card)).then(function (r) {
      card.removeAttribute("aria-busy");
      if (r.status === 200) {
        card._plan = r.body.staged;
        refreshMessages(card, r.body.staged);
      } else {
        say(r.body.error || "保存修改失败", "bad");
      }
    });
    card._pending = p;
    return p;
  }

  function planCard(plan) {
    var hid = "plan-" + plan.id + "-h";
    var did = "plan-" + plan.id + "-date", ttl = "plan-" + plan.id + "-title";
    var nid = "plan-" + plan.id + "-newname", kid = "plan-" + plan.id + "-newkind";
    var facts = ["将写入 content/" + plan.dir + "/", plan.format];
    if (plan.series) { facts.push("系列：" + plan.series); }
    if (plan.editor) { facts.push("编辑：" + plan.editor); }
    facts.push(plan.articles.length + " 篇文章");
    var card = el("article", { className: "plan", "aria-labelledby": hid, "data-id": plan.id }, [
      el("h3", { id: hid, text: "第 " + plan.number + " 期（来自 " + plan.source + "）" }),
      el("p", { className: "facts", text: facts.join(" · ") }),
      plan.exists ? el("p", { className: "notice", text: plan.label + "已经存在：确认导入时会请你再确认一次替换。" }) : null,
      el("div", { className: "row" }, [
        el("div", { className: "field" }, [el("label", { "for": did, text: "日期（年-月-日）" }),
          el("input", { id: did, "data-k": "date", type: "text", inputmode: "numeric", value: plan.date, autocomplete: "off" })]),
        el("div", { className: "field wide" }, [el("label", { "for": ttl, text: "本期标题（不填则为“第 " + plan.number + " 期”）" }),
          el("input", { id: ttl, "data-k": "issue-title", type: "text", value: plan.title })])
      ]),
      thumbs(plan.id, plan.intro_photos, "编者按的照片"),
      el("div", { className: "issue-msgs" }),
      el("div", { className: "articles" }, plan.articles.map(function (a, i) { return articleBlock(plan, a, i); })),
      el("details", { className: "add-name" }, [
        el("summary", { text: "县区或专题不在列表里？把新名称加入 site.yaml" }),
        el("div", { className: "row" }, [
          el("div", { className: "field" }, [el("label", { "for": kid, text: "加入哪个词表" }),
            el("select", { id: kid }, [el("option", { value: "counties", text: "县区（counties）" }), el("option", { value: "topics", text: "专题（topics）" })])]),
          el("div", { className: "field" }, [el("label", { "for": nid, text: "新名称" }), el("input", { id: nid, type: "text" })]),
          el("div", { className: "field end" }, [el("button", { type: "button", className: "add", disabled: !WRITES, text: "加入 site.yaml" })])
        ])
      ]),
      el("p", { className: "ok-state", role: "status" }),
      el("div", { className: "actions" }, [
        el("button", { type: "button", className: "primary confirm", text: "确认导入" }),
        el("button", { type: "button", className: "cancel", disabled: !WRITES, text: "取消" })
      ]),
      el("div", { className: "replace", hidden: true, role: "group", "aria-label": "确认替换" }, [
        el("p", { className: "replace-text" }),
        el("button", { type: "button", className: "danger replace-yes" }),
        el("button", { type: "button", className: "replace-no", text: "不替换" })
      ]),
      el("div", { className: "card-error", role: "alert" })
    ]);
    card._plan = plan;
    card.addEventListener("change", function (e) {
      if (e.target.closest(".add-name")) { return; }
      scheduleEdit(card, card._plan);
    });
    card.addEventListener("input", function (e) {
      if (e.target.type === "text" && !e.target.closest(".add-name")) { scheduleEdit(card, card._plan); }
    });
    card.querySelector("button.confirm").addEventListener("click", function () { confirmPlan(card, null); });
    card.querySelector("button.cancel").addEventListener("click", function () { cancelPlan(card); });
    card.querySelector("button.replace-no").addEventListener("click", function () {
      card.querySelector(".replace").hidden = true;
      card.querySelector("button.confirm").focus();
    });
    card.querySelector("button.replace-yes").addEventListener("click", function () {
      confirmPlan(card, card._replace);
    });
    card.querySelector("button.add").addEventListener("click", function () {
      var name = document.getElementById(nid).value.trim();
      var kind = document.getElementById(kid).value;
      if (!name) { say("请先填写新名称", "bad"); document.getElementById(nid).focus(); return; }
      call("POST", "vocabulary", { kind: kind, name: name }).then(function (r) {
        if (r.status !== 200) { say(r.body.error || "添加失败", "bad"); return; }
        say("已把“" + name + "”加入 site.yaml 的" + (kind === "counties" ? "县区" : "专题") + "词表", "good");
        var edits = {};
        document.querySelectorAll("article.plan").forEach(function (c) { edits[c.getAttribute("data-id")] = collectEdits(c); });
        applyState(r.body, edits);
      });
    });
    refreshMessages(card, plan);
    return card;
  }

  function cardError(card, body) {
    var box = card.querySelector(".card-error");
    box.textContent = "";
    box.appendChild(el("p", { text: body.error || "出错了" }));
    var l = messageList(body.problems, "错误详情");
    if (l) { box.appendChild(l); }
  }

  function confirmPlan(card, replace) {
    var plan = card._plan;
    var pending = card._pending || Promise.resolve();
    clearTimeout(editTimers[plan.id]);
    // Any edit still waiting is sent first, so what is confirmed is what the page shows.
    pending.then(function () { return sendEdit(card, card._plan); }).then(function () {
      return call("POST", "staged/" + encodeURIComponent(plan.id) + "/confirm", { replace: replace });
    }).then(function (r) {
      if (r.status === 200) {
        var done = el("div", { className: "done", role: "status" }, [
          el("p", { text: "已导入" + r.body.imported + "。" }),
          el("p", null, [el("a", { href: r.body.url, text: "在预览中查看" + r.body.imported })])
        ]);
        card.replaceWith(done);
        say("已导入" + r.body.imported + "，预览已更新。", "good");
        checkStale = true;
        done.querySelector("a").focus();
      } else if (r.status === 409 && r.body.needs_replace) {
        card._replace = r.body.needs_replace;
        var box = card.querySelector(".replace");
        box.querySelector(".replace-text").textContent = r.body.error;
        box.querySelector(".replace-yes").textContent = "替换" + r.body.label;
        box.hidden = false;
        box.querySelector(".replace-yes").focus();
      } else {
        if (r.body.staged) { card._plan = r.body.staged; refreshMessages(card, r.body.staged); }
        cardError(card, r.body);
        say(r.body.error || "导入失败", "bad");
      }
    });
  }

  function cancelPlan(card) {
    var plan = card._plan;
    clearTimeout(editTimers[plan.id]);
    call("POST", "staged/" + encodeURIComponent(plan.id) + "/cancel").then(function (r) {
      if (r.status === 200 || r.status === 409) {
        card.remove();
        say(r.status === 200 ? "已取消第 " + plan.number + " 期的导入，暂存区里没有留下任何东西。" : r.body.error, r.status === 200 ? "good" : "bad");
        document.getElementById("file").focus();
      } else {
        say(r.body.error || "取消失败", "bad");
      }
    });
  }

  function applyState(s, keepEdits) {
    state = s;
    var box = document.getElementById("staged");
    box.textContent = "";
    s.staged.forEach(function (plan) {
      var card = planCard(plan);
      box.appendChild(card);
    });
  }

  function upload(files) {
    if (!WRITES) { return; }
    var list = Array.prototype.slice.call(files);
    var chain = Promise.resolve();
    list.forEach(function (f) {
      chain = chain.then(function () {
        say("正在导入“" + f.name + "”……");
        return call("POST", "upload", f, { "X-Bulletin-Filename": encodeURIComponent(f.name), "Content-Type": "application/octet-stream" }).then(function (r) {
          if (r.status === 200) {
            var card = planCard(r.body.staged);
            document.getElementById("staged").appendChild(card);
            say("“" + f.name + "”已导入暂存区：第 " + r.body.staged.number + " 期，" + r.body.staged.articles.length + " 篇文章。请检查后确认。", "good");
          } else {
            var box = el("div", { className: "upload-error", role: "alert" }, [el("p", { text: r.body.error || "导入失败" }), messageList(r.body.problems, "错误详情")]);
            document.getElementById("staged").appendChild(box);
            say(r.body.error || "导入失败", "bad");
          }
        });
      });
    });
    return chain;
  }

  // ---- check ----
  var checkStale = true;
  function runCheck() {
    checkStale = false;
    var summary = document.getElementById("check-summary");
    summary.textContent = "正在检查……";
    return call("GET", "check").then(function (r) {
      var list = document.getElementById("check-list");
      list.textContent = "";
      if (r.status !== 200) { summary.textContent = r.body.error || "检查失败"; return; }
      summary.textContent = r.body.summary;
      summary.className = "summary " + (r.body.ok ? "good" : "bad");
      r.body.groups.forEach(function (g, i) {
        var hid = "check-g" + i;
        var head = g.page ? el("a", { href: g.page, text: g.file || "整个站点" }) : (g.file || "整个站点");
        list.appendChild(el("section", { className: "group", "aria-labelledby": hid }, [
          el("h3", { id: hid }, [head]),
          messageList(g.problems, (g.file || "整个站点") + " 的问题", g.file)
        ]));
      });
    });
  }
  document.getElementById("recheck").addEventListener("click", runCheck);

  // Every save rebuilds the preview; the check follows.
  try {
    var events = new EventSource(BASE + "__bulletin/events");
    var onChange = function () {
      checkStale = true;
      if (!document.getElementById("check").hidden) { runCheck(); }
    };
    events.addEventListener("reload", onChange);
    events.addEventListener("build-error", onChange);
  } catch (e) { /* no live updates: the button still works */ }

  // ---- publish ----
  function showPublish(s) {
    var prog = document.getElementById("publish-progress");
    var result = document.getElementById("publish-result");
    var btn = document.getElementById("publish-start");
    if (s.state === "running") {
      prog.hidden = false;
      btn.disabled = true;
      document.getElementById("publish-elapsed").textContent = "正在生成网站，已用 " + (s.elapsed_ms / 1000).toFixed(1) + " 秒……";
      setTimeout(pollPublish, 300);
      return;
    }
    prog.hidden = true;
    btn.disabled = !WRITES;
    if (s.state !== "done") { return; }
    result.textContent = "";
    if (s.ok) {
      result.appendChild(el("div", { className: "done", role: "status" }, [
        el("p", { text: "网站已生成到 " + s.output + "：" + s.pages + " 个页面（" + s.issues + " 期、" + s.articles + " 篇文章），共 " +
          s.files + " 个文件、" + (s.bytes / 1e6).toFixed(1) + " MB，用时 " + (s.elapsed_ms / 1000).toFixed(1) + " 秒。" }),
        messageList(s.warnings, "警告")
      ]));
      say("发布完成：网站已生成到 output/。", "good");
      // Built on this page's click: show what uploading it would change, at once.
      if (builtHere && !document.getElementById("deploy").hidden && WRITES) { builtHere = false; document.getElementById("deploy-plan").click(); }
    } else {
      result.appendChild(el("div", { className: "card-error", role: "alert" }, [el("p", { text: s.error }), messageList(s.problems, "错误")]));
      say(s.error, "bad");
    }
  }
  function pollPublish() {
    call("GET", "publish").then(function (r) { if (r.status === 200) { showPublish(r.body); } });
  }
  var builtHere = false;
  document.getElementById("publish-start").addEventListener("click", function () {
    builtHere = true;
    document.getElementById("publish-result").textContent = "";
    say("开始生成网站……");
    call("POST", "publish").then(function (r) {
      if (r.status === 202) { showPublish(r.body); } else { say(r.body.error || "无法开始发布", "bad"); }
    });
  });

  // ---- upload to a deploy: target ----
  function mb(bytes) { return (bytes / 1e6).toFixed(1) + " MB"; }
  function showTargets(targets) {
    var box = document.getElementById("deploy");
    var sel = document.getElementById("deploy-target");
    document.getElementById("no-target").hidden = targets.length > 0;
    box.hidden = targets.length === 0;
    sel.textContent = "";
    targets.forEach(function (t) { sel.appendChild(el("option", { value: t.name, text: t.name + "（" + t.url + "）" })); });
    document.getElementById("deploy-plan").disabled = !WRITES;
  }
  var planned = null;
  function showPlan(p) {
    var out = document.getElementById("deploy-preview");
    var go = document.getElementById("deploy-start");
    out.textContent = "";
    planned = null;
    go.hidden = true;
    if (p.refusal) {
      out.appendChild(el("div", { className: "card-error", role: "alert" }, [
        el("p", { text: "不能上传：" + p.refusal }),
        el("p", { text: "什么都没有改动。请检查 output/ 是否完整，或用命令 bulletin deploy 处理。" })
      ]));
      say("上传计划被拒绝：什么都没有改动。", "bad");
      return;
    }
    if (p.empty) {
      out.appendChild(el("p", { className: "done", role: "status", text: "“" + p.target + "”上的 " + p.kept + " 个文件与 output/ 完全相同，不需要上传。" }));
      say("不需要上传：目标已是最新。", "good");
      return;
    }
    var rows = p.listed.map(function (a) {
      return el("tr", null, [el("td", { text: a.kind }), el("td", { text: a.path }), el("td", { text: a.reason })]);
    });
    out.appendChild(el("p", { role: "status", text: "将上传 " + p.uploads + " 个文件（" + mb(p.bytes) + "），删除 " + p.deletes + " 个，" + p.kept + " 个不变。" }));
    out.appendChild(el("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-label": "上传计划" }, [
      el("table", null, [
        el("thead", null, [el("tr", null, [el("th", { scope: "col", text: "操作" }), el("th", { scope: "col", text: "文件" }), el("th", { scope: "col", text: "原因" })])]),
        el("tbody", null, rows)
      ])
    ]));
    if (p.more > 0) { out.appendChild(el("p", { text: "……另有 " + p.more + " 个文件未列出。" })); }
    planned = p.target;
    go.hidden = false;
    go.disabled = !WRITES;
    say("请核对上传计划，然后点“确认上传”。");
  }
  function showUpload(s) {
    var prog = document.getElementById("deploy-progress");
    var result = document.getElementById("deploy-result");
    if (s.state === "running") {
      prog.hidden = false;
      document.getElementById("deploy-plan").disabled = true;
      document.getElementById("deploy-start").hidden = true;
      var bar = document.getElementById("deploy-bar");
      if (s.total > 0) { bar.max = s.total; bar.value = s.done; }
      document.getElementById("deploy-elapsed").textContent = "正在上传 " + s.done + " / " + s.total + "，已用 " + (s.elapsed_ms / 1000).toFixed(1) + " 秒……";
      setTimeout(pollUpload, 300);
      return;
    }
    prog.hidden = true;
    document.getElementById("deploy-plan").disabled = !WRITES;
    if (s.state !== "done") { return; }
    result.textContent = "";
    document.getElementById("deploy-preview").textContent = "";
    if (s.ok) {
      result.appendChild(el("p", { className: "done", role: "status", text: "已上传到“" + s.target + "”：上传 " + s.uploaded + " 个文件（" + mb(s.uploaded_bytes) + "），删除 " + s.deleted + " 个，" + s.unchanged + " 个不变，用时 " + (s.elapsed_ms / 1000).toFixed(1) + " 秒。" }));
      say("上传完成。", "good");
    } else {
      result.appendChild(el("div", { className: "card-error", role: "alert" }, [el("p", { text: s.error }), s.help ? el("p", { text: s.help }) : null]));
      say(s.error, "bad");
    }
  }
  function pollUpload() {
    call("GET", "deploy").then(function (r) { if (r.status === 200) { showUpload(r.body); } });
  }
  document.getElementById("deploy-plan").addEventListener("click", function () {
    var target = document.getElementById("deploy-target").value;
    document.getElementById("deploy-result").textContent = "";
    say("正在读取“" + target + "”上的文件……");
    call("POST", "deploy/plan", { target: target }).then(function (r) {
      if (r.status === 200) { showPlan(r.body); } else { say(r.body.error || "无法预览上传", "bad"); }
    });
  });
  document.getElementById("deploy-start").addEventListener("click", function () {
    if (!planned) { return; }
    say("开始上传……");
    call("POST", "deploy", { target: planned }).then(function (r) {
      if (r.status === 202) { showUpload(r.body); } else { say(r.body.error || "无法开始上传", "bad"); }
    });
  });

  // ---- start ----
  var input = document.getElementById("file");
  var drop = document.getElementById("drop");
  if (!WRITES) {
    var ro = document.getElementById("readonly");
    ro.hidden = false;
    input.disabled = true;
    document.getElementById("publish-start").disabled = true;
    drop.classList.add("off");
  }
  input.addEventListener("change", function () {
    var p = upload(input.files);
    if (p) { p.then(function () { input.value = ""; }); }
  });
  drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer && e.dataTransfer.files.length) { upload(e.dataTransfer.files); }
  });
  showPanel();
  call("GET", "state").then(function (r) {
    if (r.status !== 200) { say(r.body.error || "无法读取工作台的状态", "bad"); return; }
    if (!r.body.writes) { document.getElementById("readonly").textContent = r.body.reason; }
    applyState(r.body);
    showTargets(r.body.deploy_targets || []);
    document.documentElement.setAttribute("data-ready", "1");
  });
  pollPublish();
  pollUpload();
})();
