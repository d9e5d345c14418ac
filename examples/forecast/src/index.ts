/** A forecasting domain on @polytask/core alone: a CSV series → sliding windows → a forecast and a direction task. */
export { ForecastData, ForecastPreprocessing, forecastDomain, LABELS } from './domain.js';
export { readSeries, slidingWindows, type Windows } from './series.js';
