import { Type } from 'typebox';

/** `GET /healthz`: the process is up. */
export const HealthSchema = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });

/** `GET /readyz`: the process can serve (the store answers). */
export const ReadySchema = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
    checks: Type.Record(Type.String(), Type.Union([Type.Literal('ok'), Type.Literal('fail')])),
    mode: Type.Union([Type.Literal('dev'), Type.Literal('production')]),
    store: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  },
  { additionalProperties: false },
);
