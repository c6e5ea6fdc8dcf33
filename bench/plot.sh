#!/usr/bin/env bash
# Draws a run's step-up curves as PNG with gnuplot (Debian: gnuplot-nox):
#   <dir>/stepup-latency.png  p99 delivery latency against deliveries/s
#   <dir>/stepup-cpu.png      server CPU per delivery against deliveries/s
#   bench/plot.sh <results dir> [output dir]
set -euo pipefail
dir="$1"
dest="${2:-$dir}"
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot is not installed (apt-get install gnuplot-nox)" >&2; exit 2; }
mkdir -p "$dest"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

servers=()
for f in "$dir"/*-stepup.json; do
  [ -e "$f" ] || continue
  s="$(basename "$f" -stepup.json)"
  node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const p of d.phases || [])
      console.log(p.deliveries_per_s, p.delivery_latency_us.p99 / 1000, p.delivery_latency_us.p50 / 1000,
                  p.server.cpu_us_per_delivery);
  ' "$f" | sort -g >"$tmp/$s.dat"
  servers+=("$s")
done
[ ${#servers[@]} -gt 0 ] || { echo "plot.sh: no *-stepup.json in $dir" >&2; exit 1; }

lat="" cpu=""
for s in "${servers[@]}"; do
  lat+="'$tmp/$s.dat' using 1:2 with linespoints lw 2 title '$s p99', "
  cpu+="'$tmp/$s.dat' using 1:4 with linespoints lw 2 title '$s', "
done
gnuplot <<GP
set terminal pngcairo size 900,540 font "sans,11"
set grid
set key top left
set xlabel "deliveries per second"
set output "$dest/stepup-latency.png"
set title "Step-up: p99 delivery latency (50 ms line = the limit)"
set ylabel "p99 delivery latency (ms)"
set logscale xy
plot ${lat} 50 with lines dt 2 lc rgb "red" title "50 ms"
set output "$dest/stepup-cpu.png"
set title "Step-up: server CPU time per delivered message"
set ylabel "CPU µs per delivery"
unset logscale xy
set yrange [0:*]
plot ${cpu%, }
GP
echo "wrote $dest/stepup-latency.png $dest/stepup-cpu.png"
