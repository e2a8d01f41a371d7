#!/bin/sh
echo "schema engine unavailable offline; migrations are applied by infra/migrate.ts" >&2; exit 1
