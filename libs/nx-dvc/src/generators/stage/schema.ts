/** Options of `nx g @momo/nx-dvc:stage` (see schema.json). */
export interface StageGeneratorSchema {
  project: string;
  name: string;
  cmd: string;
  deps?: string[];
  params?: string[];
  outs?: string[];
  outsNoCache?: string[];
  metrics?: string[];
  plots?: string[];
  desc?: string;
  force?: boolean;
}
