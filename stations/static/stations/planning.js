// The planner page: a form over /api/v1/planning. The token stays in sessionStorage (this tab
// only) and goes in the Authorization header; images and downloads are fetched with it and
// shown through blob: URLs, since <img src> and <a href> cannot send headers.
"use strict";

(function () {
  const API = "/api/v1/planning";
  const TOKEN_KEY = "yizhan.planner.token";
  const $ = (id) => document.getElementById(id);
  let blobUrls = [];
  let runId = null;

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

  function say(id, text, isError) {
    const el = $(id);
    el.textContent = text;
    el.classList.toggle("error", Boolean(isError));
  }

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers = Object.assign({ Authorization: "Bearer " + token() }, opts.headers);
    const response = await fetch(API + path, opts);
    if (!response.ok) {
      let detail = response.status + " " + response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new Error(detail);
    }
    return response;
  }

  async function blobUrl(path) {
    const url = URL.createObjectURL(await (await api(path)).blob());
    blobUrls.push(url);
    return url;
  }

  function forgetBlobs() {
    blobUrls.forEach((url) => URL.revokeObjectURL(url));
    blobUrls = [];
  }

  function option(value, text) {
    const el = document.createElement("option");
    el.value = value;
    el.textContent = text;
    return el;
  }

  async function loadOptions() {
    say("token-status", "检查令牌… checking the token…");
    const options = await (await api("/options")).json();
    const dataset = $("dataset");
    dataset.replaceChildren(...options.datasets.map((d) => option(d.name, `${d.name} (${d.points})`)));
    const district = $("district");
    district.replaceChildren(option("", `全部辖区 · whole area (${options.organisation})`),
      ...options.districts.map((name) => option(name, name)));
    say("token-status", `已登录：${options.organisation} · signed in for ${options.organisation}`);
    $("run-button").disabled = options.datasets.length === 0;
    if (options.datasets.length === 0) say("run-status", "没有需求数据 · no demand dataset: run import_demand first", true);
  }

  const pct = (x) => (x * 100).toFixed(1) + "%";
  const metres = (x) => (x === null ? "–" : Math.round(x) + " m");

  function tableRow(name, s, isTotal) {
    const tr = document.createElement("tr");
    if (isTotal) tr.className = "total";
    const cells = [name, String(s.demand_points), null, metres(s.mean_distance_m), metres(s.p90_distance_m)];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      if (i === 2) {
        const bar = document.createElement("span");
        bar.className = "bar";
        bar.style.width = Math.round(s.coverage * 60) + "px";
        td.append(bar, pct(s.coverage));
      } else {
        td.textContent = text;
      }
      tr.append(td);
    });
    return tr;
  }

  async function showMap() {
    const url = await blobUrl(`/coverage/${runId}/map.png`);
    $("map").src = url;
    $("download-png").href = url;
    $("download-png").download = `coverage-${runId}.png`;
  }

  async function showRun(run) {
    forgetBlobs();
    runId = run.id;
    $("result").hidden = false;
    $("result-title").textContent = `#${run.id} · ${run.parameters.area} · ${run.radius_m} m`;
    const o = run.overall;
    $("overall").textContent = `覆盖率 coverage ${pct(o.coverage)} — ${o.covered_points} / ${o.demand_points} 需求点 points · ` +
      `平均距离 mean ${metres(o.mean_distance_m)} · P90 ${metres(o.p90_distance_m)} · ${run.gaps} 缺口 gap cells · ${run.parameters.stations} 站点 stations`;
    const body = $("districts").querySelector("tbody");
    body.replaceChildren(...run.districts.map((d) => tableRow(d.name, d, false)), tableRow("合计 overall", o, true));
    $("sites").replaceChildren();
    say("sites-status", "");
    const [csv, geojson] = await Promise.all([blobUrl(`/coverage/${runId}/districts.csv`), blobUrl(`/coverage/${runId}/gaps.geojson`)]);
    $("download-csv").href = csv;
    $("download-csv").download = `coverage-${runId}-districts.csv`;
    $("download-geojson").href = geojson;
    $("download-geojson").download = `coverage-${runId}-gaps.geojson`;
    await showMap();
  }

  async function run(event) {
    event.preventDefault();
    const form = $("run-form");
    const kinds = [...form.querySelectorAll("input[name=kinds]:checked")].map((el) => el.value);
    const body = { demand: $("dataset").value, radius_m: Number($("radius").value), kinds: kinds };
    if ($("district").value) body.district = $("district").value;
    if ($("at").value) body.at = $("at").value;
    if ($("worker").value) body.worker = $("worker").value;
    $("run-button").disabled = true;
    say("run-status", "计算中… computing…");
    try {
      const response = await api("/coverage", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      await showRun(await response.json());
      say("run-status", "完成 · done");
    } catch (error) {
      say("run-status", error.message, true);
    } finally {
      $("run-button").disabled = false;
    }
  }

  async function suggest(event) {
    event.preventDefault();
    if (runId === null) return;
    say("sites-status", "计算中… computing…");
    try {
      const response = await api("/sites", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ coverage: runId, p: Number($("p").value), candidates: "gaps" }),
      });
      const answer = await response.json();
      $("sites").replaceChildren(...answer.sites.map((s) => {
        const li = document.createElement("li");
        li.textContent = `(${s.lon.toFixed(5)}, ${s.lat.toFixed(5)}) +${s.added_weight} → ${pct(s.coverage_after)}`;
        return li;
      }));
      say("sites-status", answer.sites.length ? `覆盖率 ${pct(answer.coverage_before)} → ${pct(answer.sites[answer.sites.length - 1].coverage_after)}` : "没有可增加的覆盖 · nothing more to gain");
      await showMap();
    } catch (error) {
      say("sites-status", error.message, true);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
      loadOptions().catch((error) => say("token-status", error.message, true));
    });
    $("run-form").addEventListener("submit", run);
    $("sites-form").addEventListener("submit", suggest);
    if (token()) {
      $("token").value = token();
      loadOptions().catch((error) => say("token-status", error.message, true));
    }
  });
})();
