import { InjectedName } from '../annotations/names.js';
import type { Container } from '../k8s/types.js';
import { imageRef, type RenderContext } from './render-context.js';

/** The `linkerd-debug` sidecar (tcpdump and friends), added on `enable-debug-sidecar`. */
export function renderDebugContainer(ctx: RenderContext): Container {
  const v = ctx.values;
  const image = v.debugContainer.image;
  return {
    image: imageRef(image.name, image.version, v.linkerdVersion),
    imagePullPolicy: image.pullPolicy === '' ? v.imagePullPolicy : image.pullPolicy,
    livenessProbe: { exec: { command: ['true'] } },
    name: InjectedName.debug,
    readinessProbe: { exec: { command: ['true'] } },
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}
