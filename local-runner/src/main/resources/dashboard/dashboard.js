(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var intFormat = new Intl.NumberFormat('en-US');
  var moneyFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var SERIES = [
    { key: 'views', label: 'Views', format: intFormat },
    { key: 'carts', label: 'Carts', format: intFormat },
    { key: 'purchases', label: 'Purchases', format: intFormat },
    { key: 'revenue', label: 'Revenue', format: moneyFormat }
  ];

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function label(parent, x, y, text, cls, anchor) {
    var t = el('text', { x: r2(x), y: r2(y), 'text-anchor': anchor || 'start' }, parent);
    if (cls) { t.setAttribute('class', cls); }
    t.textContent = text;
    return t;
  }
  function r2(v) { return Math.round(v * 100) / 100; }
  function svg(figure, width, height, name) {
    var s = el('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': name });
    figure.insertBefore(s, figure.querySelector('figcaption'));
    return s;
  }
  function empty(figure, text) {
    var p = document.createElement('p');
    p.className = 'empty';
    p.textContent = text;
    figure.insertBefore(p, figure.querySelector('figcaption'));
  }
  function maxOf(items) {
    return items.reduce(function (m, it) { return Math.max(m, it.value); }, 0);
  }

  // Vertical bars, one per item, scaled to the largest value.
  function columns(parent, o) {
    var m = { top: o.title ? 22 : 8, right: 10, bottom: o.rotateLabels ? 44 : 30, left: o.rotateLabels ? 40 : 78 };
    var plotW = o.width - m.left - m.right, plotH = o.height - m.top - m.bottom;
    var max = maxOf(o.items);
    if (o.title) { label(parent, 0, 14, o.title, 'title'); }
    var g = el('g', { 'class': 'plot', transform: 'translate(' + m.left + ',' + m.top + ')',
      'data-max': max, 'data-plot-length': plotH, 'data-orientation': 'vertical' }, parent);
    el('line', { 'class': 'axis', x1: 0, y1: plotH, x2: plotW, y2: plotH }, g);
    el('line', { 'class': 'axis', x1: 0, y1: 0, x2: 0, y2: plotH }, g);
    label(g, -6, plotH, o.format.format(0), null, 'end');
    if (max > 0) { label(g, -6, 9, o.format.format(max), null, 'end'); }
    var n = o.items.length, step = plotW / Math.max(n, 1), barW = Math.max(1, step * 0.78);
    var every = Math.max(1, Math.ceil(n / (o.maxLabels || 12)));
    o.items.forEach(function (it, i) {
      var h = max > 0 ? it.value / max * plotH : 0;
      var attrs = { 'class': 'bar ' + o.cls, x: r2(i * step + (step - barW) / 2), y: r2(plotH - h),
        width: r2(barW), height: r2(h), 'data-value': it.raw };
      Object.keys(it.attrs).forEach(function (k) { attrs[k] = it.attrs[k]; });
      var rect = el('rect', attrs, g);
      el('title', {}, rect).textContent = it.label + ': ' + o.format.format(it.value);
      if (i % every === 0 || i === n - 1) {
        var x = i * step + step / 2;
        var t = label(g, x, plotH + 14, it.label, null, o.rotateLabels ? 'end' : 'middle');
        if (o.rotateLabels) { t.setAttribute('transform', 'rotate(-35 ' + r2(x) + ' ' + r2(plotH + 14) + ')'); }
      }
    });
    return g;
  }

  // Horizontal bars, one per item, labelled with their value.
  function rows(parent, o) {
    var m = { top: 4, right: 150, bottom: 4, left: o.labelWidth || 120 };
    var plotW = o.width - m.left - m.right, rowH = 26;
    var max = maxOf(o.items);
    var g = el('g', { 'class': 'plot', transform: 'translate(' + m.left + ',' + m.top + ')',
      'data-max': max, 'data-plot-length': plotW, 'data-orientation': 'horizontal' }, parent);
    o.items.forEach(function (it, i) {
      var w = max > 0 ? it.value / max * plotW : 0, y = i * rowH;
      var attrs = { 'class': 'bar ' + o.cls, x: 0, y: y + 3, width: r2(w), height: rowH - 6, 'data-value': it.raw };
      Object.keys(it.attrs).forEach(function (k) { attrs[k] = it.attrs[k]; });
      var rect = el('rect', attrs, g);
      el('title', {}, rect).textContent = it.label + ': ' + intFormat.format(it.value);
      label(g, -8, y + rowH / 2 + 4, it.label, 'bar-label', 'end');
      label(g, w + 6, y + rowH / 2 + 4, intFormat.format(it.value) + (it.note ? '  ' + it.note : ''), 'bar-label');
    });
    el('line', { 'class': 'axis', x1: 0, y1: 0, x2: 0, y2: o.items.length * rowH }, g);
    return g;
  }

  // Centred bars, widest first, with the step conversion between them.
  function funnel(data) {
    var figure = document.getElementById('funnel');
    var items = data.funnel;
    if (maxOf(items) === 0) { empty(figure, 'No events yet.'); return; }
    var width = 420, barH = 40, gap = 26, plotW = width - 20;
    var s = svg(figure, width, items.length * barH + (items.length - 1) * gap + 4, 'Funnel');
    var max = maxOf(items);
    var g = el('g', { 'class': 'plot', transform: 'translate(10,2)', 'data-max': max, 'data-plot-length': plotW,
      'data-orientation': 'horizontal' }, s);
    items.forEach(function (it, i) {
      var w = it.value / max * plotW, y = i * (barH + gap);
      var rect = el('rect', { 'class': 'bar s-' + it.key, x: r2((plotW - w) / 2), y: y, width: r2(w), height: barH,
        rx: 3, 'data-stage': it.key, 'data-value': String(it.value) }, g);
      el('title', {}, rect).textContent = it.label + ': ' + intFormat.format(it.value);
      label(g, plotW / 2, y + barH / 2 + 5, it.label + '  ' + intFormat.format(it.value), 'bar-label', 'middle')
        .setAttribute('data-stage-label', it.key);
      if (i > 0) {
        var prev = items[i - 1];
        var step = prev.value > 0 ? (100 * it.value / prev.value).toFixed(1) + '% of ' + prev.label.toLowerCase() : '–';
        label(g, plotW / 2, y - gap / 2 + 4, '↓ ' + step, null, 'middle');
      }
    });
  }

  function daily(data) {
    var figure = document.getElementById('daily-funnel');
    if (data.days.length === 0) { empty(figure, 'No days in daily_funnel yet.'); return; }
    SERIES.forEach(function (series) {
      var s = svg(figure, 640, 150, 'Daily ' + series.key);
      s.setAttribute('data-series', series.key);
      columns(s, {
        width: 640, height: 150, maxLabels: 6, title: series.label + ' per day', cls: 's-' + series.key, format: series.format,
        items: data.days.map(function (d) {
          return { label: d.date, value: Number(d[series.key]), raw: String(d[series.key]),
            attrs: { 'data-series': series.key, 'data-date': d.date } };
        })
      });
    });
  }

  function histogram(data, column, id) {
    var figure = document.getElementById(id);
    var h = data.histograms[column];
    var items = h.bins.map(function (b, i) {
      return { label: b.label, value: b.count, raw: String(b.count),
        attrs: { 'data-histogram': column, 'data-bin': i, 'data-bin-label': b.label } };
    });
    if (maxOf(items) === 0) { empty(figure, 'No user with a rate yet.'); return; }
    var s = svg(figure, 470, 220, 'Histogram of ' + column);
    s.setAttribute('data-column', column);
    columns(s, { width: 470, height: 220, cls: 's-rate', format: intFormat, items: items, maxLabels: 12,
      rotateLabels: true });
  }

  function quarantine(data) {
    var figure = document.getElementById('quarantine-by-reason');
    var items = data.quarantine.map(function (q) {
      return { label: q.reason, value: q.count, raw: String(q.count), attrs: { 'data-reason': q.reason } };
    });
    var s = svg(figure, 640, items.length * 26 + 8, 'Quarantined rows by reason');
    rows(s, { width: 640, items: items, cls: 's-quarantine', labelWidth: 130 });
  }

  try {
    var data = JSON.parse(document.getElementById('dashboard-data').textContent);
    funnel(data);
    daily(data);
    histogram(data, 'view_to_cart_rate', 'hist-view-to-cart-rate');
    histogram(data, 'cart_to_purchase_rate', 'hist-cart-to-purchase-rate');
    quarantine(data);
    document.body.setAttribute('data-rendered', 'true');
  } catch (e) {
    document.body.setAttribute('data-rendered', 'error');
    document.getElementById('render-errors').textContent = 'The charts could not be drawn: ' + (e && e.stack || e);
  }
})();
