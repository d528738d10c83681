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
      var format = o.format || intFormat;
      el('title', {}, rect).textContent = it.label + ': ' + format.format(it.value);
      label(g, -8, y + rowH / 2 + 4, it.label, 'bar-label', 'end');
      label(g, w + 6, y + rowH / 2 + 4, format.format(it.value) + (it.note ? '  ' + it.note : ''), 'bar-label');
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

  // Revenue of the top categories or brands, one horizontal bar each.
  function performance(data, key, id, attr) {
    var figure = document.getElementById(id);
    var items = data[key].map(function (p) {
      var attrs = { 'data-revenue-of': key };
      attrs[attr] = p.key;
      return { label: p.label === null ? '– (' + p.key + ')' : shorten(p.label, 28), value: Number(p.revenue),
        raw: p.revenue, attrs: attrs };
    });
    if (items.length === 0) { empty(figure, 'No ' + key + ' yet.'); return; }
    var s = svg(figure, 640, items.length * 26 + 8, 'Revenue by ' + key);
    rows(s, { width: 640, items: items, cls: 's-revenue', labelWidth: 190, format: moneyFormat });
  }
  function shorten(text, n) { return text.length > n ? text.substring(0, n - 1) + '…' : text; }

  // Linear blend from a pale grey (0, so that empty cells still show the grid) to the given RGB colour.
  var PALE = [240, 244, 248];
  function shade(rgb, share) {
    return 'rgb(' + rgb.map(function (c, i) { return Math.round(PALE[i] + (c - PALE[i]) * share); }).join(',') + ')';
  }

  // Weekday x hour grid, always 7 x 24 cells; a cell's colour grows with its events.
  function heatmap(data) {
    var figure = document.getElementById('hourly-heatmap');
    var days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    var cellW = 40, cellH = 24, left = 44, top = 18;
    var s = svg(figure, left + 24 * cellW + 4, top + 7 * cellH + 4, 'Events by weekday and hour');
    var max = maxOf(data.hourly.map(function (c) { return { value: c.events }; }));
    var g = el('g', { 'class': 'plot heatmap', transform: 'translate(' + left + ',' + top + ')', 'data-max': max }, s);
    for (var h = 0; h < 24; h++) { label(g, h * cellW + cellW / 2, -5, String(h), null, 'middle'); }
    days.forEach(function (d, i) { label(g, -6, i * cellH + cellH / 2 + 4, d, null, 'end'); });
    data.hourly.forEach(function (c) {
      var share = max > 0 ? c.events / max : 0;
      var rect = el('rect', { 'class': 'cell', x: (c.hour) * cellW, y: (c.day - 1) * cellH, width: cellW, height: cellH,
        fill: shade([62, 124, 177], share), 'data-day': c.day, 'data-hour': c.hour, 'data-value': String(c.events),
        'data-purchases': String(c.purchases), 'data-revenue': c.revenue }, g);
      el('title', {}, rect).textContent = days[c.day - 1] + ' ' + c.hour + ':00–' + c.hour + ':59 UTC: ' +
        intFormat.format(c.events) + ' events, ' + intFormat.format(c.purchases) + ' purchases, revenue ' +
        moneyFormat.format(Number(c.revenue));
      if (c.events > 0) {
        var y = (c.day - 1) * cellH + cellH / 2 + 4;
        label(g, c.hour * cellW + cellW / 2, y, compact(c.events), 'cell-label', 'middle')
          .setAttribute('fill', share > 0.55 ? '#fff' : '#1f2933');
      }
    });
  }
  function compact(n) {
    return n >= 10000 ? Math.round(n / 1000) + 'k' : n >= 1000 ? (n / 1000).toFixed(1) + 'k' : String(n);
  }

  // Cohorts as rows, week offsets as columns: a triangle, as newer cohorts have fewer weeks.
  function retention(data) {
    var figure = document.getElementById('retention-triangle');
    if (data.cohorts.length === 0) { empty(figure, 'No cohort yet.'); return; }
    var offsets = data.cohorts.reduce(function (m, c) { return Math.max(m, c.weeks.length); }, 0);
    var cellW = 52, cellH = 24, left = 150, top = 20;
    var width = left + Math.max(offsets, 4) * cellW + 4;
    var s = svg(figure, width, top + data.cohorts.length * cellH + 4, 'Retention by cohort');
    s.style.maxWidth = width * 1.25 + 'px'; // few weeks: keep the cells small rather than fill the card
    var g = el('g', { 'class': 'plot retention', transform: 'translate(' + left + ',' + top + ')' }, s);
    for (var o = 0; o < offsets; o++) { label(g, o * cellW + cellW / 2, -6, 'week ' + o, null, 'middle'); }
    data.cohorts.forEach(function (c, i) {
      label(g, -6, i * cellH + cellH / 2 + 4, c.week + ' · ' + intFormat.format(c.users), null, 'end')
        .setAttribute('data-cohort-label', c.week);
      c.weeks.forEach(function (w) {
        var rate = w.retention === '' ? null : Number(w.retention);
        var rect = el('rect', { 'class': 'cell', x: w.offset * cellW, y: i * cellH, width: cellW, height: cellH,
          fill: rate === null ? 'rgb(' + PALE.join(',') + ')' : shade([42, 157, 143], Math.min(rate, 1)),
          'data-cohort': c.week, 'data-offset': w.offset, 'data-value': w.retention, 'data-active': String(w.active),
          'data-purchasing': String(w.purchasing) }, g);
        el('title', {}, rect).textContent = 'cohort ' + c.week + ', week ' + w.offset + ': ' +
          intFormat.format(w.active) + ' of ' + intFormat.format(c.users) + ' users active, ' +
          intFormat.format(w.purchasing) + ' purchasing';
        label(g, w.offset * cellW + cellW / 2, i * cellH + cellH / 2 + 4,
          rate === null ? '–' : (100 * rate).toFixed(rate > 0 && rate < 0.1 ? 1 : 0) + '%', 'cell-label', 'middle')
          .setAttribute('fill', rate !== null && rate > 0.55 ? '#fff' : '#1f2933');
      });
    });
  }

  function abandonment(data) {
    var figure = document.getElementById('abandonment-chart');
    if (data.abandonment.length === 0) { empty(figure, 'No carting session yet.'); return; }
    var s = svg(figure, 640, 170, 'Abandoned cart value per day');
    columns(s, { width: 640, height: 170, maxLabels: 6, title: 'Value left in abandoned carts per day',
      cls: 's-abandoned', format: moneyFormat, items: data.abandonment.map(function (d) {
        return { label: d.date, value: Number(d.value), raw: d.value, attrs: { 'data-abandonment-date': d.date } };
      }) });
  }

  try {
    var data = JSON.parse(document.getElementById('dashboard-data').textContent);
    funnel(data);
    daily(data);
    histogram(data, 'view_to_cart_rate', 'hist-view-to-cart-rate');
    histogram(data, 'cart_to_purchase_rate', 'hist-cart-to-purchase-rate');
    quarantine(data);
    performance(data, 'categories', 'categories-revenue', 'data-category-id');
    performance(data, 'brands', 'brands-revenue', 'data-brand-key');
    heatmap(data);
    retention(data);
    abandonment(data);
    document.body.setAttribute('data-rendered', 'true');
  } catch (e) {
    document.body.setAttribute('data-rendered', 'error');
    document.getElementById('render-errors').textContent = 'The charts could not be drawn: ' + (e && e.stack || e);
  }
})();
