# Shared by bench/run and bench/upload-ab (sourced, not run): making the test JPEGs, starting a published
# service, counting its CPU, uploading a folder of files and reading percentiles.

# make_jpegs DIR N [SOURCE]: N distinct 1920x1080 JPEGs with camera EXIF, as a phone would send. Another lavfi SOURCE
# (testsrc, say) makes pictures that are none of testsrc2's, for a warm-up set that must not be duplicates.
make_jpegs() {
  mkdir -p "$1"
  ffmpeg -hide_banner -loglevel error -f lavfi -i "${3:-testsrc2}=size=1920x1080:rate=25" -frames:v "$2" -q:v 3 "$1/%04d.jpg"
  exiftool -q -overwrite_original -Make=Bench -Model=Camera '-DateTimeOriginal=2024:06:01 12:00:00' -OffsetTimeOriginal=+02:00 "$1"
}

# start_service BINARY DATA_DIR PORT LOG [ENV=VALUE ...]: starts it in the background, sets $server (a second one
# started while the first runs, on another port, joins $more_servers), waits for it.
start_service() {
  local binary=$1 data=$2 port=$3 log=$4 pid
  shift 4
  mkdir -p "$data"
  env CL_SERVER_DIR="$data" "$@" "$binary" --host 127.0.0.1 --port "$port" --no-auth --no-builtin-worker >"$log" 2>&1 &
  pid=$!
  if [ -n "${server:-}" ]; then more_servers="${more_servers:-} $pid"; else server=$pid; fi
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the service did not start:"; cat "$log"; return 1
}

# warm_up IMG_DIR PORT CLIENTS DATA_DIR: uploads a warm-up set that is not timed, so the timed uploads meet code the JIT
# has already compiled (tiering is off, so a method's first call compiles it fully optimised), as a server that has
# been running does; then waits until the background pass has finished with the warm-up's previews.
warm_up() {
  local dir=$1 port=$2 clients=$3 data=$4 count last=-1 still=0
  [ -d "$dir" ] || return 0
  upload_all "$dir" "$port" "$clients" "$data/../warm-up-latency.txt" >/dev/null
  for _ in $(seq 1 240); do
    count=$(find "$data/media" -name '*.webp' 2>/dev/null | wc -l)
    if [ "$count" -eq "$last" ]; then still=$((still + 1)); else still=0; last=$count; fi
    [ "$still" -ge 20 ] && return 0
    sleep 0.25
  done
}

stop_service() {
  local pid
  for pid in ${server:-} ${more_servers:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  server=""
  more_servers=""
  return 0
}

# CPU clock ticks the services and their child processes (the ExifTool pool) have used: a busy machine disturbs this
# far less than the rate.
cpu_ticks() {
  local total=0 pid one
  for one in ${server:-} ${more_servers:-}; do
    for pid in "$one" $(ps --ppid "$one" -o pid= 2>/dev/null); do
      total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}

# upload_all IMG_DIR PORTS CLIENTS LATENCY_FILE: uploads every JPEG, one curl each, CLIENTS at a time (with several
# ports, "18765 18768", the files go to each in turn); prints "RATE CPU_MS_AN_IMAGE" and fails unless every upload
# answered 201.
upload_all() {
  local dir=$1 ports=$2 clients=$3 out=$4 n before after start end created
  n=$(find "$dir" -name '*.jpg' | wc -l)
  before=$(cpu_ticks)
  start=$(date +%s.%N)
  if [ "$(wc -w <<<"$ports")" -eq 1 ]; then
    find "$dir" -name '*.jpg' | sort | xargs -P "$clients" -I{} \
      curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -F is_collection=false -F label=bench -F image=@{} \
      "http://127.0.0.1:$ports/entities" >"$out"
  else
    find "$dir" -name '*.jpg' | sort | awk -v ports="$ports" 'BEGIN {n = split(ports, p, " ")} {print p[(NR - 1) % n + 1], $0}' |
      xargs -P "$clients" -L 1 sh -c 'curl -s -o /dev/null -w "%{http_code} %{time_total}\n" -F is_collection=false -F label=bench -F "image=@$1" "http://127.0.0.1:$0/entities"' >"$out"
  fi
  end=$(date +%s.%N)
  after=$(cpu_ticks)
  created=$(grep -c '^201 ' "$out" || true)
  [ "$created" -eq "$n" ] || { echo "expected $n uploads answered 201, got $created:" >&2; sort "$out" | cut -d' ' -f1 | uniq -c >&2; return 1; }
  echo "$n $start $end $before $after $(getconf CLK_TCK)" | awk '{printf "%.1f %.1f\n", $1 / ($3 - $2), ($5 - $4) / $6 * 1000 / $1}'
}

# percentiles FILE FORMAT: p50 and p99 of the second column (seconds), printed in milliseconds with FORMAT.
percentiles() {
  cut -d' ' -f2 "$1" | sort -n | awk -v fmt="$2" '{v[NR]=$1} END {i50=int(NR*0.50+0.5); i99=int(NR*0.99+0.5); if (i50<1) i50=1; if (i99<1) i99=1; printf fmt, v[i50]*1000, v[i99]*1000}'
}

# exiftool_rate IMG_DIR: one `exiftool -j -n` process per file, files a second (the machine's speed at starting Perl).
exiftool_rate() {
  local n start end
  n=$(find "$1" -name '*.jpg' | wc -l)
  start=$(date +%s.%N)
  for f in "$1"/*.jpg; do exiftool -j -n "$f" >/dev/null; done
  end=$(date +%s.%N)
  echo "$n $start $end" | awk '{printf "%.1f", $1 / ($3 - $2)}'
}
