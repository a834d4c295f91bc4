import { Type, type TSchema } from '@sinclair/typebox';

/** A fact that may be unknown: null means the agent could not tell (the entry's detail says why). */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const Str = (max = 256) => Type.String({ maxLength: max });
export const Detail = () => Type.Optional(Type.String({ maxLength: 1024 }));
