export { parseGoDuration } from './go-duration.js';
export {
  canonicalQuantity,
  formatQuantity,
  parseQuantity,
  type Quantity,
  type QuantityFormat,
  quantityCeilValue,
  quantityMilliValue,
} from './quantity.js';
export { SERVICE_PROFILE_INVALID, ServiceProfileError } from './service-profile-error.js';
export type {
  ProfileRequestMatch,
  ProfileResponseClass,
  ProfileResponseMatch,
  ProfileRetryBudget,
  ProfileRoute,
  ProfileStatusRange,
  ProfileWeightedDst,
  ServiceProfile,
  ServiceProfileMetadata,
  ServiceProfileSpec,
} from './types.js';
export { validateServiceProfile } from './validate.js';
