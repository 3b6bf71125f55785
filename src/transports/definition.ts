/**
 * Types derived from ts-proto's generic service definitions: one definition
 * gives the typed client, the typed implementation and the method paths.
 */
import type { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";

/** What a generated message namespace offers (ts-proto `MessageFns<T>`). */
export interface MessageType<T> {
  encode(message: T, writer?: BinaryWriter): { finish(): Uint8Array };
  decode(input: BinaryReader | Uint8Array): T;
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
  fromPartial(object: never): T;
}

/** One method of a generated definition. */
export interface MethodDefinition<Req = any, Res = any> {
  readonly name: string;
  readonly requestType: MessageType<Req>;
  readonly requestStream: boolean;
  readonly responseType: MessageType<Res>;
  readonly responseStream: boolean;
}

/** A generated service definition (`XDefinition`). */
export interface ServiceDefinition {
  readonly name: string;
  readonly fullName: string;
  readonly methods: { readonly [key: string]: MethodDefinition };
}

/** The request message type of a method. */
export type RequestOf<M> = M extends { requestType: { decode(input: Uint8Array): infer T } } ? T : never;
/** The response message type of a method. */
export type ResponseOf<M> = M extends { responseType: { decode(input: Uint8Array): infer T } } ? T : never;

type Builtin = Date | Function | Uint8Array | string | number | boolean | undefined;
/** A message with every field optional, deeply (ts-proto's `fromPartial` input). */
export type DeepPartial<T> = T extends Builtin
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<DeepPartial<U>>
    : T extends object
      ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
      : Partial<T>;

/** The gRPC path of a method: `/ecommerce.v1.Pagamentos/ProcessarPagamento`. */
export function methodPath(service: ServiceDefinition, method: MethodDefinition): string {
  return `/${service.fullName}/${method.name}`;
}
