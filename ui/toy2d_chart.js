// The 2D lab's charts on a canvas that stays on the page (ui/toy2d_chart.py): each frame of Play sends a new scene
// and this module redraws the same canvas in place, so the old picture stays until the new one is drawn.
//
// A scene: {label, panels: [{height, x: {range, title}, y: {range, title}, y2?: {range, title}, equal?, legend?,
// heatmap?: {z, x0, x1, y0, y1, zmin, zmax, colors, title}, traces: [{kind: "lines" | "points" | "arrows", x, y,
// dx?, dy?, color, width?, size?, name?, axis?, step?}]}]}. Lines break at null; arrows go from (x, y) by (dx, dy).

const FONT = '"Source Sans", "Source Sans Pro", sans-serif';
const TEXT = "#2a3f5f";
const GRID = "#EBF0F8";
const MARGIN = { left: 62, right: 16, top: 10, bottom: 46 };
const COLORBAR = 70; // room at the right for the heat map's colour bar
const Y2 = 48; // room at the right for a second y axis
const LEGEND_ROW = 24;

function niceTicks(low, high, count) {
  const span = high - low;
  if (!(span > 0) || !isFinite(span)) return [low];
  const raw = span / Math.max(1, count);
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * 0.999);
  const ticks = [];
  for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return ticks;
}

function tickText(v) {
  const a = Math.abs(v);
  if (a >= 10000) return `${+(v / 1000).toFixed(a >= 100000 ? 0 : 1)}k`;
  return String(+v.toPrecision(4));
}

function dataRange(traces, axis, key) {
  let low = Infinity;
  let high = -Infinity;
  for (const t of traces) {
    if ((t.axis || "y") !== axis && key === "y") continue;
    for (const v of t[key] || []) {
      if (v === null || !isFinite(v)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  if (!isFinite(low)) return [0, 1];
  if (low === high) return [low - 1, high + 1];
  const pad = 0.05 * (high - low);
  return [low - pad, high + pad];
}

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function colourAt(stops, share) {
  const s = Math.min(1, Math.max(0, isFinite(share) ? share : 0));
  for (let i = 1; i < stops.length; i++) {
    const [a, ca] = stops[i - 1];
    const [b, cb] = stops[i];
    if (s <= b) {
      const f = b > a ? (s - a) / (b - a) : 0;
      const x = rgb(ca);
      const y = rgb(cb);
      return x.map((v, k) => Math.round(v + f * (y[k] - v)));
    }
  }
  return rgb(stops[stops.length - 1][1]);
}

function legendItems(panel) {
  return panel.traces.filter((t) => t.name);
}

// Where each panel's plot area lies on the canvas, in CSS pixels.
function layout(panel, top, width, ctx) {
  const right = MARGIN.right + (panel.heatmap ? COLORBAR : 0) + (panel.y2 ? Y2 : 0);
  let legendRows = 0;
  if (panel.legend !== false) {
    ctx.font = `14px ${FONT}`;
    let x = 0;
    legendRows = legendItems(panel).length ? 1 : 0;
    for (const t of legendItems(panel)) {
      const w = 34 + ctx.measureText(t.name).width;
      if (x + w > width - MARGIN.left && x > 0) {
        legendRows += 1;
        x = 0;
      }
      x += w;
    }
  }
  const legendAbove = panel.legendAbove !== false && !panel.equal;
  const bottom = MARGIN.bottom + (legendAbove ? 0 : legendRows * LEGEND_ROW);
  const above = MARGIN.top + (legendAbove ? legendRows * LEGEND_ROW : 0);
  let plotWidth = width - MARGIN.left - right;
  let plotHeight = panel.height - above - bottom;
  let left = MARGIN.left;
  if (panel.equal) { // a square plot, as large as the width and the panel's height allow; no room left below it
    const side = Math.max(10, Math.min(plotWidth, plotHeight));
    left += (plotWidth - side) / 2;
    plotWidth = side;
    plotHeight = side;
  }
  return { left, top: top + above, width: Math.max(10, plotWidth), height: Math.max(10, plotHeight), legendAbove,
           legendTop: legendAbove ? top + MARGIN.top : top + above + plotHeight + MARGIN.bottom - 4,
           total: above + Math.max(10, plotHeight) + bottom };
}

function drawPanel(ctx, panel, box) {
  const xRange = panel.x.range || dataRange(panel.traces, "x", "x");
  const yRange = panel.y.range || dataRange(panel.traces, "y", "y");
  const y2Range = panel.y2 ? panel.y2.range || dataRange(panel.traces, "y2", "y") : null;
  const px = (v) => box.left + ((v - xRange[0]) / (xRange[1] - xRange[0])) * box.width;
  const py = (v, axis) => {
    const r = axis === "y2" ? y2Range : yRange;
    return box.top + box.height - ((v - r[0]) / (r[1] - r[0])) * box.height;
  };
  let drawn = 0;

  // grid and ticks
  ctx.font = `13px ${FONT}`;
  ctx.fillStyle = TEXT;
  ctx.strokeStyle = GRID;
  ctx.lineWidth = 1;
  const xTicks = niceTicks(xRange[0], xRange[1], Math.max(2, Math.floor(box.width / 90)));
  const yTicks = niceTicks(yRange[0], yRange[1], Math.max(2, Math.floor(box.height / 45)));
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of xTicks) {
    if (!panel.heatmap) {
      ctx.beginPath();
      ctx.moveTo(px(v), box.top);
      ctx.lineTo(px(v), box.top + box.height);
      ctx.stroke();
    }
    ctx.fillText(tickText(v), px(v), box.top + box.height + 4);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of yTicks) {
    if (!panel.heatmap) {
      ctx.beginPath();
      ctx.moveTo(box.left, py(v));
      ctx.lineTo(box.left + box.width, py(v));
      ctx.stroke();
    }
    ctx.fillText(tickText(v), box.left - 6, py(v));
  }
  if (y2Range) {
    ctx.textAlign = "left";
    for (const v of niceTicks(y2Range[0], y2Range[1], 4)) ctx.fillText(tickText(v), box.left + box.width + 6, py(v, "y2"));
  }
  ctx.font = `14px ${FONT}`;
  if (panel.x.title) {
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(panel.x.title, box.left + box.width / 2, box.top + box.height + 40);
  }
  const vertical = (text, x, y) => {
    ctx.save();
    ctx.translate(x, y);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, 0, 0);
    ctx.restore();
  };
  if (panel.y.title) vertical(panel.y.title, 14, box.top + box.height / 2);
  if (y2Range && panel.y2.title) vertical(panel.y2.title, box.left + box.width + Y2 - 6, box.top + box.height / 2);

  ctx.save();
  ctx.beginPath();
  ctx.rect(box.left, box.top, box.width, box.height);
  ctx.clip();
  const heat = panel.heatmap;
  if (heat) {
    const rows = heat.z.length;
    const cols = heat.z[0].length;
    const image = new ImageData(cols, rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const [red, green, blue] = colourAt(heat.colors, (heat.z[r][c] - heat.zmin) / (heat.zmax - heat.zmin));
        const at = 4 * ((rows - 1 - r) * cols + c); // row 0 is the lowest y: the image's bottom row
        image.data[at] = red;
        image.data[at + 1] = green;
        image.data[at + 2] = blue;
        image.data[at + 3] = 255;
      }
    }
    const cells = new OffscreenCanvas(cols, rows);
    cells.getContext("2d").putImageData(image, 0, 0);
    const halfX = (heat.x1 - heat.x0) / (2 * (cols - 1));
    const halfY = (heat.y1 - heat.y0) / (2 * (rows - 1));
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    const x0 = px(heat.x0 - halfX);
    const y0 = py(heat.y1 + halfY);
    ctx.drawImage(cells, x0, y0, px(heat.x1 + halfX) - x0, py(heat.y0 - halfY) - y0);
  }
  for (const t of panel.traces) {
    const xs = t.x || [];
    const ys = t.y || [];
    ctx.strokeStyle = t.color;
    ctx.fillStyle = t.color;
    ctx.lineWidth = t.width || 2;
    if (t.kind === "points") {
      const radius = (t.size || 5) / 2;
      for (let i = 0; i < xs.length; i++) {
        if (xs[i] === null || ys[i] === null) continue;
        ctx.beginPath();
        ctx.arc(px(xs[i]), py(ys[i], t.axis), radius, 0, 2 * Math.PI);
        ctx.fill();
        drawn += 1;
      }
    } else if (t.kind === "arrows") {
      for (let i = 0; i < xs.length; i++) {
        const x0 = px(xs[i]);
        const y0 = py(ys[i]);
        const x1 = px(xs[i] + t.dx[i]);
        const y1 = py(ys[i] + t.dy[i]);
        const length = Math.hypot(x1 - x0, y1 - y0);
        if (!(length > 0.5)) continue;
        ctx.beginPath();
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
        ctx.stroke();
        const angle = Math.atan2(y1 - y0, x1 - x0);
        const head = Math.min(7, length);
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 - head * Math.cos(angle - 0.45), y1 - head * Math.sin(angle - 0.45));
        ctx.lineTo(x1 - head * Math.cos(angle + 0.45), y1 - head * Math.sin(angle + 0.45));
        ctx.closePath();
        ctx.fill();
      }
    } else {
      ctx.beginPath();
      let open = false;
      let previousY = null;
      let single = null;
      for (let i = 0; i < xs.length; i++) {
        if (xs[i] === null || ys[i] === null) {
          open = false;
          continue;
        }
        const x = px(xs[i]);
        const y = py(ys[i], t.axis);
        if (!open) {
          ctx.moveTo(x, y);
          single = [x, y];
          open = true;
        } else {
          if (t.step) ctx.lineTo(x, previousY);
          ctx.lineTo(x, y);
          single = null;
        }
        previousY = y;
      }
      ctx.stroke();
      if (single || t.markers) { // a line of one measurement would not show: mark its points
        for (let i = 0; i < xs.length; i++) {
          if (xs[i] === null || ys[i] === null) continue;
          ctx.beginPath();
          ctx.arc(px(xs[i]), py(ys[i], t.axis), 3, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
    }
  }
  ctx.restore();
  ctx.strokeStyle = GRID;
  ctx.lineWidth = 1;
  ctx.strokeRect(box.left, box.top, box.width, box.height);

  if (heat) { // the colour bar
    const barLeft = box.left + box.width + 14;
    const barTop = box.top + box.height * 0.2;
    const barHeight = box.height * 0.6;
    const gradient = ctx.createLinearGradient(0, barTop + barHeight, 0, barTop);
    for (const [share, colour] of heat.colors) gradient.addColorStop(share, colour);
    ctx.fillStyle = gradient;
    ctx.fillRect(barLeft, barTop, 12, barHeight);
    ctx.fillStyle = TEXT;
    ctx.font = `12px ${FONT}`;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    for (const v of niceTicks(heat.zmin, heat.zmax, 4)) {
      ctx.fillText(tickText(v), barLeft + 16, barTop + barHeight - ((v - heat.zmin) / (heat.zmax - heat.zmin)) * barHeight);
    }
    ctx.font = `14px ${FONT}`;
    vertical(heat.title || "", barLeft + COLORBAR - 16, barTop + barHeight / 2);
  }

  if (panel.legend !== false) {
    ctx.font = `14px ${FONT}`;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    let x = box.legendAbove ? MARGIN.left : box.left;
    let y = box.legendTop + LEGEND_ROW / 2;
    const limit = box.legendAbove ? ctx.canvas.clientWidth : box.left + box.width + COLORBAR;
    for (const t of legendItems(panel)) {
      const w = 34 + ctx.measureText(t.name).width;
      if (x + w > limit && x > MARGIN.left) {
        x = box.legendAbove ? MARGIN.left : box.left;
        y += LEGEND_ROW;
      }
      ctx.strokeStyle = t.color;
      ctx.fillStyle = t.color;
      ctx.lineWidth = 2;
      if (t.kind === "points") {
        ctx.beginPath();
        ctx.arc(x + 10, y, 4, 0, 2 * Math.PI);
        ctx.fill();
      } else {
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x + 22, y);
        ctx.stroke();
      }
      ctx.fillStyle = TEXT;
      ctx.fillText(t.name, x + 28, y);
      x += w;
    }
  }
  return drawn;
}

function draw(canvas) {
  const scene = canvas.__scene;
  if (!scene) return;
  const width = canvas.parentElement.clientWidth || 600;
  const ctx = canvas.getContext("2d");
  const boxes = [];
  let height = 0;
  for (const panel of scene.panels) {
    const box = layout(panel, height, width, ctx);
    boxes.push(box);
    height += box.total;
  }
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio); // (resizing clears the canvas; it is drawn again at once below)
    canvas.height = Math.round(height * ratio);
    canvas.style.height = `${height}px`;
  }
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, width, height);
  let points = 0;
  scene.panels.forEach((panel, i) => {
    points += drawPanel(ctx, panel, boxes[i]);
  });
  // What a test (or a screen reader) can read of the picture: how many points it shows, and which frame.
  canvas.dataset.points = String(points);
  canvas.dataset.frame = String(scene.frame ?? "");
  canvas.setAttribute("aria-label", scene.label || "");
}

export default function ({ data, parentElement }) {
  let canvas = parentElement.querySelector("canvas");
  if (!canvas) {
    canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.dataset.testid = "toy2dCanvas";
    canvas.style.display = "block";
    canvas.style.width = "100%";
    parentElement.appendChild(canvas);
    new ResizeObserver(() => draw(canvas)).observe(parentElement);
  }
  canvas.__scene = data;
  draw(canvas);
}
