# Sourced by the PostgreSQL benchmarks: one throwaway cluster on a private port and socket
# directory, trust authentication on loopback only, removed by pg_cluster_stop.
#   pg_require            exits when PostgreSQL is not installed (make deps installs it)
#   pg_cluster_start PORT initdb + pg_ctl start; sets pg_port, pg_dir
#   pg_createdb NAME      creates a database on it
#   pg_cluster_stop       stops it and removes its directory

pg_require() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$pgbin/initdb" ] || { echo "PostgreSQL is not installed (make deps installs it)"; exit 1; }
}

pg_cluster_start() {
  pg_port=$1
  pg_dir=$(mktemp -d)
  # initdb refuses root: as root the cluster runs as Debian's postgres user.
  as_pg=()
  if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$pg_dir"; fi
  "${as_pg[@]}" "$pgbin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
}

pg_createdb() {
  "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$1"
}

pg_cluster_stop() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$pg_dir"
}
