/** Options of `nx g @momo/nx-dvc:remote` (see schema.json). */
export interface RemoteGeneratorSchema {
  name: string;
  url: string;
  /** @default false */
  default?: boolean;
  /** @default false */
  local?: boolean;
}
