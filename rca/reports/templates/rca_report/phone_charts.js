/* rca: fit the report's plotly charts to a narrow (phone) screen; wide screens are left as built.
   Below NARROW pixels a chart gets its title and x-axis title wrapped to its width, its legend
   laid out in rows under the plot instead of beside it, long category labels wrapped, and the
   extra height this takes; when the screen is wide again (a phone turned), the chart is put back.
   Plotly's own `responsive` config already fits the width. Labels are plotly's escaped text, so
   only spaces and <br> are changed here. */
(function () {
  'use strict';
  var NARROW = 600, CHAR = 0.55, LINE = 1.3;

  function wrap(text, size, width) {
    var max = Math.max(12, Math.floor(width / (size * CHAR)));
    return String(text).split(/<br\s*\/?>/i).map(function (line) {
      var out = [], cur = '';
      line.split(' ').forEach(function (word) {
        if (cur && (cur + ' ' + word).replace(/<[^>]*>|&[^;\s]+;/g, 'x').length > max) {
          out.push(cur);
          cur = word;
        } else {
          cur = cur ? cur + ' ' + word : word;
        }
      });
      out.push(cur);
      return out.join('<br>');
    }).join('<br>');
  }

  function lines(text) { return String(text).split(/<br\s*\/?>/i).length; }

  function titleText(t) { return t && (typeof t === 'string' ? t : t.text); }

  // Category labels of a horizontal bar chart's y axis (the long theme names), wrapped.
  function wrappedTicks(gd, width) {
    var axis = gd._fullLayout && gd._fullLayout.yaxis;
    if (!axis || axis.type !== 'category' || !axis._categories) return null;
    var cats = axis._categories, long = false;
    var text = cats.map(function (c) {
      var w = wrap(c, 11, width * 0.4);
      long = long || w !== String(c);
      return w;
    });
    return long ? {'yaxis.tickmode': 'array', 'yaxis.tickvals': cats, 'yaxis.ticktext': text,
                   'yaxis.tickfont.size': 11} : null;
  }

  function narrowLayout(gd, wide, width) {
    var L = gd.layout, size = 14, update = {}, extra = 0;
    var title = titleText(L.title);
    if (title) {
      var t = wrap(title, size, width - 20);
      update['title.text'] = t;
      update['title.font.size'] = size;
      update['title.x'] = 0.02;
      update['title.xanchor'] = 'left';
      extra += (lines(t) - 1) * size * LINE;
      update['margin.t'] = (wide.margin.t || 50) + (lines(t) - 1) * size * LINE;
    }
    var xtitle = L.xaxis && titleText(L.xaxis.title);
    if (xtitle) {
      var plot = gd._fullLayout && gd._fullLayout._size;  // the plotting area, under the title
      var x = wrap(xtitle, 12, (plot ? plot.w : width) - 10);
      update['xaxis.title.text'] = x;
      extra += (lines(x) - 1) * 12 * LINE;
    }
    update['xaxis.automargin'] = true;
    update['yaxis.automargin'] = true;
    var shown = (gd.data || []).filter(function (d) { return d.showlegend !== false; }).length;
    if (L.showlegend !== false && shown > 1) {
      update['legend.orientation'] = 'h';
      update['legend.x'] = 0;
      update['legend.xanchor'] = 'left';
      update['legend.y'] = 0;
      update['legend.yanchor'] = 'bottom';
      update['legend.yref'] = 'container';
      extra += Math.ceil(shown / 2) * 22;
    }
    var ticks = wrappedTicks(gd, width);
    if (ticks) {
      Object.assign(update, ticks);
      extra += 6 * ((gd._fullLayout.yaxis._categories || []).length);
    }
    update.height = (wide.height || gd.clientHeight) + Math.round(extra);
    return update;
  }

  function fit(gd) {
    if (!window.Plotly || !gd.layout) return;
    var box = gd.parentElement, width = box.clientWidth, narrow = width < NARROW;
    if (narrow === !!gd._rcaNarrow) return;
    if (narrow) {
      var L = gd.layout;
      gd._rcaWide = {
        layout: JSON.parse(JSON.stringify({title: L.title, xaxis: L.xaxis, yaxis: L.yaxis,
          legend: L.legend, margin: L.margin || {}, height: L.height})),
        boxHeight: box.style.height
      };
      var update = narrowLayout(gd, gd._rcaWide.layout, width);
      box.style.height = update.height + 'px';
      gd._rcaNarrow = true;
      window.Plotly.relayout(gd, update);
    } else {
      var saved = gd._rcaWide;
      box.style.height = saved.boxHeight;
      gd._rcaNarrow = false;
      window.Plotly.relayout(gd, {title: saved.layout.title, xaxis: saved.layout.xaxis,
        yaxis: saved.layout.yaxis, legend: saved.layout.legend || {}, margin: saved.layout.margin,
        height: saved.layout.height});
    }
  }

  function fitAll() {
    document.querySelectorAll('.rca-figure .js-plotly-plot').forEach(fit);
  }

  var timer = null;
  window.addEventListener('load', fitAll);
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(fitAll, 150);
  });
}());
